data "aws_region" "current" {}

locals {
  function_name = "${var.name}-cloud-provisioner"

  # What the provisioner reads (PROVISION_PLAN): every database with its master secret and the roles to create,
  # which database each service's migrations go to, the broker URL and the JWT secret. Names only: every
  # credential is read from Secrets Manager when it runs.
  plan = {
    databases = {
      for key, db in var.databases : key => {
        host            = db.host
        port            = db.port
        masterSecretArn = db.master_secret_arn
        roles           = { for database, role in db.roles : database => { secretArn = role.secret_arn, schemas = role.schemas } }
      }
    }
    services           = { for service, link in var.services : service => { resource = link.resource, database = link.database } }
    brokerUrlSecretArn = var.broker.url_secret_arn
    jwtSecretArn       = var.jwt_secret_arn
  }

  secret_arns = concat(
    [for db in values(var.databases) : db.master_secret_arn],
    flatten([for db in values(var.databases) : [for role in values(db.roles) : role.secret_arn]]),
    [var.broker.url_secret_arn, var.jwt_secret_arn],
  )
}

# --- network: its own group, let into every database and the broker on their ports ---

resource "aws_security_group" "this" {
  name        = local.function_name
  description = "The cloud provisioner Lambda: PostgreSQL to every database, AMQPS to the broker, HTTPS to the VPC endpoints"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = local.function_name })
}

resource "aws_vpc_security_group_egress_rule" "database" {
  for_each = var.databases

  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL to ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "database" {
  for_each = var.databases

  security_group_id            = each.value.security_group_id
  description                  = "${each.key} from the cloud provisioner"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_egress_rule" "broker" {
  security_group_id            = aws_security_group.this.id
  description                  = "AMQPS to the broker"
  ip_protocol                  = "tcp"
  from_port                    = var.broker.port
  to_port                      = var.broker.port
  referenced_security_group_id = var.broker.security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "broker" {
  security_group_id            = var.broker.security_group_id
  description                  = "AMQPS from the cloud provisioner"
  ip_protocol                  = "tcp"
  from_port                    = var.broker.port
  to_port                      = var.broker.port
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_egress_rule" "endpoints" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the interface endpoints (Secrets Manager, CloudWatch Logs)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

# --- IAM: read the secrets in the plan, nothing else ---

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = local.function_name
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "vpc" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

# Active tracing needs it (Lambda refuses the setting without these permissions).
resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ReadPlannedSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.secret_arns
  }

  statement {
    sid       = "DecryptWithLabKey"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "DeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "provision"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# --- the function ---

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# Terraform invokes it synchronously, so this queue only catches invocations someone makes asynchronously.
resource "aws_sqs_queue" "dead_letter" {
  name                              = "${local.function_name}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  function_name    = local.function_name
  description      = "frank cloud provisioner: roles, databases, schemas and migrations, run by terraform apply"
  role             = aws_iam_role.this.arn
  filename         = var.zip
  source_code_hash = filebase64sha256(var.zip)
  handler          = "index.handler"
  runtime          = var.runtime
  architectures    = [var.architecture]
  timeout          = var.timeout
  memory_size      = var.memory
  kms_key_arn      = var.kms_key_arn

  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  environment {
    variables = {
      PROVISION_PLAN = jsonencode(local.plan)
    }
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letter.arn
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = merge(var.tags, { "frank:service" = "cloud-provisioner" })

  depends_on = [aws_iam_role_policy.this, aws_iam_role_policy_attachment.vpc, aws_iam_role_policy_attachment.xray]

  # Lambda refuses environments over 4 KB (names and values). Checked once the ARNs and hosts are known.
  lifecycle {
    precondition {
      condition     = length("PROVISION_PLAN") + length(jsonencode(local.plan)) <= 4096
      error_message = "PROVISION_PLAN is ${length(jsonencode(local.plan))} characters; Lambda's environment holds 4096 at most (shorter var.name, fewer databases, or a plan passed another way)."
    }
  }
}

# Runs during apply, once the databases, secrets and network rules exist. It runs again when its code (with
# its migrations) changes, when the plan changes, and when a role password is generated again. A failure
# (FunctionError) fails the apply.
resource "aws_lambda_invocation" "this" {
  function_name = aws_lambda_function.this.function_name
  input         = jsonencode({ seed = var.seed, code = filebase64sha256(var.zip) })

  triggers = merge(
    { plan = sha256(jsonencode(local.plan)) },
    { for name, value in var.rerun_on : "rerun_on.${name}" => value },
  )

  depends_on = [
    aws_iam_role_policy.this,
    aws_vpc_security_group_egress_rule.database,
    aws_vpc_security_group_ingress_rule.database,
    aws_vpc_security_group_egress_rule.broker,
    aws_vpc_security_group_ingress_rule.broker,
    aws_vpc_security_group_egress_rule.endpoints,
  ]
}
