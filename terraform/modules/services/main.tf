data "aws_region" "current" {}

locals {
  https = var.certificate_arn != null

  # The lab-wide secrets a service can name in its `secrets` list: the environment variable it gets and where from.
  lab_secrets = {
    # The version's arn (the secret's), so whatever reads it waits until the value is written.
    jwt = { variable = "JWT_SECRET", arn = aws_secretsmanager_secret_version.jwt.arn, key = "value" }
  }

  # Every map and list below is keyed by names from var.services and var.dependencies (known at plan time);
  # ARNs and addresses that only exist after apply are values, never keys or lengths that decide a count.
  known_uses = { for service, spec in var.services : service => [for dependency in spec.uses : dependency if contains(keys(var.dependencies), dependency)] }

  # One entry per service-to-dependency link that crosses the network (a dependency with a port).
  links = {
    for link in flatten([
      for service, spec in var.services : [
        for dependency in local.known_uses[service] : { service = service, dependency = dependency }
        if var.dependencies[dependency].port != null
      ]
    ]) : "${link.service}.${link.dependency}" => link
  }

  # Fixed settings come last, so a frank.yaml tunable cannot move a service off its port.
  environment = {
    for service, spec in var.services : service => merge(
      merge({}, [for dependency in local.known_uses[service] : var.dependencies[dependency].environment]...),
      { for callee in spec.calls : "${upper(replace(callee, "-", "_"))}_URL" => "http://${callee}.${var.service_discovery_namespace}:${var.services[callee].port}" if contains(keys(var.services), callee) },
      spec.environment,
      { HOST = "0.0.0.0", PORT = tostring(spec.port), NODE_ENV = "production" },
    )
  }

  # Environment variable => { arn, key } of the secret it comes from.
  secrets = {
    for service, spec in var.services : service => merge(
      merge({}, [for dependency in local.known_uses[service] : var.dependencies[dependency].secrets]...),
      merge({}, [for dependency in local.known_uses[service] : lookup(var.dependencies[dependency].service_secrets, service, {})]...),
      { for name in spec.secrets : local.lab_secrets[name].variable => { arn = local.lab_secrets[name].arn, key = local.lab_secrets[name].key } if contains(keys(local.lab_secrets), name) },
    )
  }

  policy_statements = {
    for service, spec in var.services : service => flatten([for dependency in local.known_uses[service] : var.dependencies[dependency].policy_statements])
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_ecr_repository" "this" {
  for_each = var.services

  name                 = "${var.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = true # `terraform destroy` removes the lab's images too

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 10 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 10 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = var.services

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# --- service discovery: services call each other at http://<name>.<namespace>:<port> ---

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.service_discovery_namespace
  description = "${var.name} services"
  vpc         = var.vpc_id

  tags = var.tags
}

resource "aws_service_discovery_service" "this" {
  for_each = var.services

  name = each.key

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  tags = var.tags
}

# --- security groups ---

# Own group per service: it is what a dependency lets in, so a database admits exactly its users.
resource "aws_security_group" "service" {
  for_each = var.services

  name        = "${var.name}-svc-${each.key}"
  description = "ECS service ${each.key}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-svc-${each.key}" })
}

# Shared by every task: services call each other over HTTP (bff aggregates, payment calls the provider).
resource "aws_security_group" "peers" {
  name        = "${var.name}-svc-peers"
  description = "Every ECS service of ${var.name}: HTTP between services"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-svc-peers" })
}

resource "aws_vpc_security_group_ingress_rule" "service_from_peers" {
  for_each = var.services

  security_group_id            = aws_security_group.service[each.key].id
  description                  = "HTTP to ${each.key} from the other services"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.peers.id
}

resource "aws_vpc_security_group_egress_rule" "peers" {
  for_each = var.services

  security_group_id            = aws_security_group.peers.id
  description                  = "HTTP to ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.peers.id
}

resource "aws_vpc_security_group_egress_rule" "service_endpoints" {
  for_each = var.services

  security_group_id = aws_security_group.service[each.key].id
  description       = "HTTPS to the VPC endpoints (ECR, logs, Secrets Manager, EventBridge, SQS)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

# ECR keeps image layers in S3, reached through the gateway endpoint at S3's public addresses.
resource "aws_vpc_security_group_egress_rule" "service_s3" {
  for_each = var.services

  security_group_id = aws_security_group.service[each.key].id
  description       = "HTTPS to S3 through the gateway endpoint (ECR image layers)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "service_dependency" {
  for_each = local.links

  security_group_id            = aws_security_group.service[each.value.service].id
  description                  = "${each.value.service} to ${each.value.dependency}"
  ip_protocol                  = "tcp"
  from_port                    = var.dependencies[each.value.dependency].port
  to_port                      = var.dependencies[each.value.dependency].port
  referenced_security_group_id = var.dependencies[each.value.dependency].security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "dependency_from_service" {
  for_each = local.links

  security_group_id            = var.dependencies[each.value.dependency].security_group_id
  description                  = "${each.value.dependency} from ${each.value.service}"
  ip_protocol                  = "tcp"
  from_port                    = var.dependencies[each.value.dependency].port
  to_port                      = var.dependencies[each.value.dependency].port
  referenced_security_group_id = aws_security_group.service[each.value.service].id
}

# --- IAM: an execution role (pull, logs, its secrets) and a task role (what its code may call) per service ---

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
  for_each = var.services

  name               = "${var.name}-${each.key}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  for_each = var.services

  role       = aws_iam_role.execution[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# Exactly the secrets its container definition references, and the lab key they are encrypted with.
data "aws_iam_policy_document" "execution_secrets" {
  for_each = local.secrets

  statement {
    sid       = "DecryptWithLabKey"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  dynamic "statement" {
    for_each = length(each.value) > 0 ? [distinct([for secret in values(each.value) : secret.arn])] : []
    content {
      sid       = "ReadOwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  for_each = data.aws_iam_policy_document.execution_secrets

  name   = "read-secrets"
  role   = aws_iam_role.execution[each.key].id
  policy = each.value.json
}

resource "aws_iam_role" "task" {
  for_each = var.services

  name               = "${var.name}-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "task" {
  for_each = { for service, statements in local.policy_statements : service => statements if length(statements) > 0 }

  dynamic "statement" {
    for_each = each.value
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "task" {
  for_each = data.aws_iam_policy_document.task

  name   = "dependencies"
  role   = aws_iam_role.task[each.key].id
  policy = each.value.json
}

# --- tasks and services ---

resource "aws_ecs_task_definition" "this" {
  for_each = var.services

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # The root file system is read-only; this is the only writable place.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = each.key
    image                  = "${aws_ecr_repository.this[each.key].repository_url}:${var.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false
    portMappings           = [{ containerPort = each.value.port, protocol = "tcp", name = "http" }]
    environment            = [for key in sort(keys(local.environment[each.key])) : { name = key, value = local.environment[each.key][key] }]
    secrets                = [for key in sort(keys(local.secrets[each.key])) : { name = key, valueFrom = "${local.secrets[each.key][key].arn}:${local.secrets[each.key][key].key}::" }]
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this[each.key].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = each.key
      }
    }
  }])

  tags = merge(var.tags, { "frank:service" = each.key })
}

resource "aws_ecs_service" "this" {
  for_each = var.services

  name                   = each.key
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.this[each.key].arn
  desired_count          = var.desired_count
  launch_type            = "FARGATE"
  propagate_tags         = "SERVICE"
  enable_execute_command = false

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service[each.key].id, aws_security_group.peers.id]
    assign_public_ip = false
  }

  service_registries {
    registry_arn = aws_service_discovery_service.this[each.key].arn
  }

  dynamic "load_balancer" {
    for_each = each.key == var.public_service ? [each.value.port] : []
    content {
      target_group_arn = aws_lb_target_group.public.arn
      container_name   = each.key
      container_port   = load_balancer.value
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = merge(var.tags, { "frank:service" = each.key })

  lifecycle {
    precondition {
      condition     = alltrue([for dependency in each.value.uses : contains(keys(var.dependencies), dependency)])
      error_message = "Service ${each.key} uses ${join(", ", [for dependency in each.value.uses : dependency if !contains(keys(var.dependencies), dependency)])}, which var.dependencies does not describe."
    }
  }

  depends_on = [aws_lb_listener.http, aws_lb_listener.https, aws_iam_role_policy.execution_secrets, terraform_data.start_after]
}

# Holds what must be finished before any service starts (the provisioner's invocation: roles, databases and
# migrations), so the services depend on it without a module-wide depends_on.
resource "terraform_data" "start_after" {
  input = var.start_after
}

# --- the lab's JWT signing secret (user issues tokens, order and bff verify them) ---

# Letters and digits, 64 of them. Bump jwt_secret_version to generate a new one; running tasks keep the old
# value until they are started again.
ephemeral "aws_secretsmanager_random_password" "jwt" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "jwt" {
  name                    = "${var.name}/jwt"
  recovery_window_in_days = 0 # generated: nothing to recover, and a re-apply may reuse the name at once
  description             = "The lab's JWT signing secret; JSON key value"
  kms_key_id              = var.kms_key_arn

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "jwt" {
  secret_id                = aws_secretsmanager_secret.jwt.id
  secret_string_wo         = jsonencode({ value = ephemeral.aws_secretsmanager_random_password.jwt.random_password })
  secret_string_wo_version = var.jwt_secret_version
}
