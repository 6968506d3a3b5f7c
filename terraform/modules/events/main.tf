locals {
  queue_targets = { for queue in var.queues : queue => [for rule_name, rule in var.rules : rule_name if rule.target == queue] }
  # Queues a scheduled rule sends AWS's own events to: the eventbridge-bridge reads them too.
  schedule_queues = distinct([for schedule in values(var.schedules) : schedule.target])

  # Both bridges are the lab's handlers, bundled by `frank cloud package`. Each gets only what its code reads.
  bridges = {
    "eventbridge-bridge" = {
      zip = var.eventbridge_bridge_zip
      # The handler reads the broker URL (with credentials) from this secret when it starts.
      environment = {
        AMQP_URL_SECRET_ARN = var.broker.url_secret_arn
      }
      statements = [
        {
          actions   = ["secretsmanager:GetSecretValue"]
          resources = [var.broker.url_secret_arn]
        },
        {
          actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
          resources = [for queue in distinct(concat([var.eventbridge_bridge_queue], local.schedule_queues)) : aws_sqs_queue.this[queue].arn]
        },
      ]
    }
    "rabbitmq-bridge" = {
      zip         = var.rabbitmq_bridge_zip
      environment = {}
      statements = [
        {
          actions   = ["events:PutEvents"]
          resources = [aws_cloudwatch_event_bus.this[var.rabbitmq_bridge_bus].arn]
        },
        # What the Amazon MQ event source mapping needs besides the VPC access policy: the broker user's
        # credentials (BASIC_AUTH), the broker and its network.
        {
          actions   = ["secretsmanager:GetSecretValue"]
          resources = [var.broker.secret_arn]
        },
        {
          actions   = ["mq:DescribeBroker"]
          resources = [var.broker.arn]
        },
        {
          actions   = ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]
          resources = ["*"]
        },
      ]
    }
  }
}

resource "aws_cloudwatch_event_bus" "this" {
  for_each = toset(var.buses)

  name = each.key

  tags = var.tags
}

# The archives of frank.yaml: what a bus carried (matching the pattern, or all of it), kept for replay.
resource "aws_cloudwatch_event_archive" "this" {
  for_each = var.archives

  name             = each.key
  description      = "frank.yaml archive ${each.key}: ${each.value.pattern == null ? "every event" : "the events matching its pattern"} on ${each.value.bus}"
  event_source_arn = aws_cloudwatch_event_bus.this[each.value.bus].arn
  event_pattern    = each.value.pattern
  retention_days   = each.value.retention_days
}

resource "aws_sqs_queue" "dead_letter" {
  for_each = toset(var.queues)

  name                              = "${each.key}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  for_each = toset(var.queues)

  name                              = each.key
  visibility_timeout_seconds        = var.lambda_timeout * 6
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[each.key].arn
    maxReceiveCount     = 5
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = var.rules

  name           = each.key
  description    = "frank.yaml rule ${each.key}: ${each.value.bus} to ${each.value.target}"
  event_bus_name = aws_cloudwatch_event_bus.this[each.value.bus].name
  event_pattern  = each.value.pattern

  tags = var.tags

  lifecycle {
    precondition {
      condition     = contains(var.queues, each.value.target)
      error_message = "Rule ${each.key} targets ${each.value.target}, which is not one of the queues."
    }
  }
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = var.rules

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = aws_cloudwatch_event_rule.this[each.key].event_bus_name
  target_id      = "sqs-${each.value.target}"
  arn            = aws_sqs_queue.this[each.value.target].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 20
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter[each.value.target].arn
  }
}

# Scheduled rules: AWS sends each target its `Scheduled Event` (source aws.events) at the schedule's times.
resource "aws_cloudwatch_event_rule" "schedule" {
  for_each = var.schedules

  name                = each.key
  description         = "frank.yaml scheduled rule ${each.key}: ${each.value.schedule_expression} to ${each.value.target}"
  schedule_expression = each.value.schedule_expression

  tags = var.tags

  lifecycle {
    precondition {
      condition     = contains(var.queues, each.value.target)
      error_message = "Scheduled rule ${each.key} targets ${each.value.target}, which is not one of the queues."
    }
  }
}

resource "aws_cloudwatch_event_target" "schedule" {
  for_each = var.schedules

  rule      = aws_cloudwatch_event_rule.schedule[each.key].name
  target_id = "sqs-${each.value.target}"
  arn       = aws_sqs_queue.this[each.value.target].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 20
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter[each.value.target].arn
  }
}

# EventBridge may send to a queue (and, for failed deliveries, to its dead-letter queue) only on behalf of
# the rules that target that queue.
locals {
  # The ARNs of the rules (pattern and scheduled) that deliver to each queue.
  queue_rule_arns = {
    for queue in var.queues : queue => concat(
      [for rule in local.queue_targets[queue] : aws_cloudwatch_event_rule.this[rule].arn],
      [for name, schedule in var.schedules : aws_cloudwatch_event_rule.schedule[name].arn if schedule.target == queue],
    )
  }
  targeted_queues = {
    for queue in var.queues : queue => local.queue_rule_arns[queue]
    if length(local.queue_targets[queue]) + length([for schedule in values(var.schedules) : schedule if schedule.target == queue]) > 0
  }
}

resource "aws_sqs_queue_policy" "this" {
  for_each = local.targeted_queues

  queue_url = aws_sqs_queue.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeRules"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this[each.key].arn
      Condition = { ArnEquals = { "aws:SourceArn" = each.value } }
    }]
  })
}

resource "aws_sqs_queue_policy" "dead_letter" {
  for_each = local.targeted_queues

  queue_url = aws_sqs_queue.dead_letter[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeRuleFailures"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.dead_letter[each.key].arn
      Condition = { ArnEquals = { "aws:SourceArn" = each.value } }
    }]
  })
}

# --- the two bridges ---

resource "aws_security_group" "bridges" {
  name        = "${var.name}-bridges"
  description = "Bridge Lambdas: AMQPS to the broker, HTTPS to the VPC endpoints"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-bridges" })
}

resource "aws_vpc_security_group_egress_rule" "bridges_broker" {
  security_group_id            = aws_security_group.bridges.id
  description                  = "AMQPS to the broker"
  ip_protocol                  = "tcp"
  from_port                    = var.broker.port
  to_port                      = var.broker.port
  referenced_security_group_id = var.broker.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "bridges_endpoints" {
  security_group_id = aws_security_group.bridges.id
  description       = "HTTPS to the interface endpoints (Secrets Manager, EventBridge)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_vpc_security_group_ingress_rule" "broker_from_bridges" {
  security_group_id            = var.broker.security_group_id
  description                  = "AMQPS from the bridge Lambdas"
  ip_protocol                  = "tcp"
  from_port                    = var.broker.port
  to_port                      = var.broker.port
  referenced_security_group_id = aws_security_group.bridges.id
}

# The Amazon MQ event source mapping polls through interfaces that carry the broker's own security group.
resource "aws_vpc_security_group_ingress_rule" "broker_self" {
  security_group_id            = var.broker.security_group_id
  description                  = "AMQPS from the Lambda event source mapping's pollers"
  ip_protocol                  = "tcp"
  from_port                    = var.broker.port
  to_port                      = var.broker.port
  referenced_security_group_id = var.broker.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "broker_self" {
  security_group_id            = var.broker.security_group_id
  description                  = "AMQPS from the event source mapping's pollers to the broker"
  ip_protocol                  = "tcp"
  from_port                    = var.broker.port
  to_port                      = var.broker.port
  referenced_security_group_id = var.broker.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "broker_endpoints" {
  security_group_id = var.broker.security_group_id
  description       = "HTTPS from the event source mapping's pollers to Lambda, STS and Secrets Manager endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_sqs_queue" "bridge_dead_letter" {
  for_each = local.bridges

  name                              = "${var.name}-${each.key}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "bridges" {
  for_each = local.bridges

  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "bridges" {
  for_each = local.bridges

  name               = "${var.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "bridges_vpc" {
  for_each = local.bridges

  role       = aws_iam_role.bridges[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "bridges_xray" {
  for_each = local.bridges

  role       = aws_iam_role.bridges[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

data "aws_iam_policy_document" "bridges" {
  for_each = local.bridges

  statement {
    sid       = "DecryptWithLabKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "DeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.bridge_dead_letter[each.key].arn]
  }

  dynamic "statement" {
    for_each = each.value.statements
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "bridges" {
  for_each = local.bridges

  name   = "bridge"
  role   = aws_iam_role.bridges[each.key].id
  policy = data.aws_iam_policy_document.bridges[each.key].json
}

resource "aws_lambda_function" "this" {
  for_each = local.bridges

  function_name    = "${var.name}-${each.key}"
  description      = "frank ${each.key}: the lab's handler, bundled by frank cloud package"
  role             = aws_iam_role.bridges[each.key].arn
  filename         = each.value.zip
  source_code_hash = filebase64sha256(each.value.zip)
  handler          = "index.handler"
  runtime          = var.lambda_runtime
  architectures    = ["arm64"]
  timeout          = var.lambda_timeout
  memory_size      = var.lambda_memory
  kms_key_arn      = var.kms_key_arn

  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  dynamic "environment" {
    for_each = length(each.value.environment) > 0 ? [each.value.environment] : []
    content {
      variables = environment.value
    }
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.bridges.id]
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.bridge_dead_letter[each.key].arn
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.bridges[each.key].name
  }

  tags = merge(var.tags, { "frank:service" = each.key })

  depends_on = [aws_iam_role_policy.bridges, aws_iam_role_policy_attachment.bridges_vpc]
}

# eventbridge-bridge: rule payment-webhooks -> SQS -> Lambda -> RabbitMQ.
resource "aws_lambda_event_source_mapping" "eventbridge_bridge" {
  function_name           = aws_lambda_function.this["eventbridge-bridge"].arn
  event_source_arn        = aws_sqs_queue.this[var.eventbridge_bridge_queue].arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
}

# eventbridge-bridge: scheduled rules -> SQS -> Lambda -> RabbitMQ (schedule.fired), for each queue the schedules target.
resource "aws_lambda_event_source_mapping" "eventbridge_bridge_schedules" {
  for_each = toset([for queue in local.schedule_queues : queue if queue != var.eventbridge_bridge_queue])

  function_name           = aws_lambda_function.this["eventbridge-bridge"].arn
  event_source_arn        = aws_sqs_queue.this[each.key].arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
}

# rabbitmq-bridge: RabbitMQ queue -> Lambda -> bus frank-internal.
resource "aws_lambda_event_source_mapping" "rabbitmq_bridge" {
  function_name    = aws_lambda_function.this["rabbitmq-bridge"].arn
  event_source_arn = var.broker.arn
  queues           = [var.rabbitmq_bridge_queue]
  batch_size       = 10

  source_access_configuration {
    type = "BASIC_AUTH"
    uri  = var.broker.secret_arn
  }

  source_access_configuration {
    type = "VIRTUAL_HOST"
    uri  = "/"
  }
}
