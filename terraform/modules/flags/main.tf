data "aws_region" "current" {}

locals {
  image_tag = split(":", var.unleash.image)[1]
  # The services' client API: the kit's UNLEASH_URL ends in /api.
  url = "http://${var.unleash.name}.${var.service_discovery_namespace}:${var.unleash.port}/api"

  environment = {
    HTTP_PORT = tostring(var.unleash.port)
    # RDS forces TLS. The official image holds no RDS CA bundle, so the link is encrypted but the server's
    # certificate is not verified (what unleash-server does by default without DATABASE_SSL_CA_FILE).
    DATABASE_SSL = jsonencode({ rejectUnauthorized = false })
    # No way out of the private subnets but the VPC endpoints: no version checks, no telemetry.
    CHECK_VERSION  = "false"
    SEND_TELEMETRY = "false"
    LOG_LEVEL      = "warn"
  }

  # Environment variable => { arn, key }: its own role's URL and the generated tokens, as the lab gives them.
  secrets = {
    DATABASE_URL            = { arn = var.database.url_secret_arn, key = "url" }
    INIT_ADMIN_API_TOKENS   = { arn = aws_secretsmanager_secret_version.token["admin"].arn, key = "token" }
    INIT_BACKEND_API_TOKENS = { arn = aws_secretsmanager_secret_version.token["client"].arn, key = "token" }
  }

  token_prefixes = { admin = var.unleash.admin_token_prefix, client = var.unleash.client_token_prefix }
}

# The official image, copied under its own tag (private subnets have no way to Docker Hub):
# docker pull <image> && docker tag <image> <repository_url>:<tag> && docker push <repository_url>:<tag>.
resource "aws_ecr_repository" "this" {
  name                 = "${var.name}/${var.unleash.name}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = true

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}/${var.unleash.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# --- API tokens: <project>:<environment>.<secret>, the secret generated per deployment ---

# Letters and digits only, so a token needs no escaping in a header. Bump token_version for new ones.
ephemeral "aws_secretsmanager_random_password" "token" {
  for_each = local.token_prefixes

  password_length     = 48
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "token" {
  for_each = local.token_prefixes

  name                    = "${var.name}/${var.unleash.name}/${each.key}-token"
  recovery_window_in_days = 0 # generated: nothing to recover, and a re-apply may reuse the name at once
  description             = "Unleash ${each.key} API token; JSON key token"
  kms_key_id              = var.kms_key_arn

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "token" {
  for_each = local.token_prefixes

  secret_id                = aws_secretsmanager_secret.token[each.key].id
  secret_string_wo         = jsonencode({ token = "${each.value}${ephemeral.aws_secretsmanager_random_password.token[each.key].random_password}" })
  secret_string_wo_version = var.token_version
}

# --- network: the services that use Unleash get ingress through the services module (its dependencies) ---

resource "aws_security_group" "this" {
  name        = "${var.name}-${var.unleash.name}"
  description = "Unleash: reachable only from the services that use it"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-${var.unleash.name}" })
}

resource "aws_vpc_security_group_egress_rule" "database" {
  security_group_id            = aws_security_group.this.id
  description                  = "Unleash to its database"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = var.database.security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "database" {
  security_group_id            = var.database.security_group_id
  description                  = "database from Unleash"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_egress_rule" "endpoints" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the VPC endpoints (ECR, logs, Secrets Manager)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_vpc_security_group_egress_rule" "s3" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to S3 through the gateway endpoint (ECR image layers)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_id
}

# --- IAM: pull, logs and exactly its three secrets; the task itself calls no AWS API ---

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-${var.unleash.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  statement {
    sid       = "DecryptWithLabKey"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = distinct([for secret in values(local.secrets) : secret.arn])
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-${var.unleash.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

# --- the task and the service, at <name>.<namespace>:<port> ---

resource "aws_service_discovery_service" "this" {
  name = var.unleash.name

  dns_config {
    namespace_id   = var.service_discovery_namespace_id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  tags = var.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-${var.unleash.name}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = var.unleash.name
    image                  = "${aws_ecr_repository.this.repository_url}:${local.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false
    portMappings           = [{ containerPort = var.unleash.port, protocol = "tcp", name = "http" }]
    environment            = [for key in sort(keys(local.environment)) : { name = key, value = local.environment[key] }]
    secrets                = [for key in sort(keys(local.secrets)) : { name = key, valueFrom = "${local.secrets[key].arn}:${local.secrets[key].key}::" }]
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    # The image's own node answers the probe: it has no curl.
    healthCheck = {
      command     = ["CMD", "node", "-e", "fetch('http://127.0.0.1:${var.unleash.port}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 120
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = var.unleash.name
      }
    }
  }])

  tags = merge(var.tags, { "frank:resource" = var.unleash.name })
}

resource "aws_ecs_service" "this" {
  name                   = var.unleash.name
  cluster                = var.cluster_arn
  task_definition        = aws_ecs_task_definition.this.arn
  desired_count          = 1
  launch_type            = "FARGATE"
  propagate_tags         = "SERVICE"
  enable_execute_command = false

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  service_registries {
    registry_arn = aws_service_discovery_service.this.arn
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = merge(var.tags, { "frank:resource" = var.unleash.name })

  depends_on = [aws_iam_role_policy.execution_secrets, terraform_data.start_after]
}

# What must be finished before Unleash starts: its role exists once the provisioner has run.
resource "terraform_data" "start_after" {
  input = var.start_after
}
