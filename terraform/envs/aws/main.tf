data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  tags = merge({ "frank:lab" = var.name, "managed-by" = "terraform" }, var.tags)

  ecs_services = { for name, spec in var.services : name => spec if !contains(var.bridges, name) }

  # The exchange the bridges publish to: the lab's topic exchange that is not the dead-letter one.
  events_exchange = try([for name, type in var.broker.exchanges : name if type == "topic" && !endswith(name, ".dlx")][0], "frank.events")

  # What each name in a service's `uses` means on AWS: network access, environment, secrets, IAM.
  dependencies = merge(
    {
      for name, db in module.databases.instances : name => {
        port              = var.databases[name].port
        security_group_id = db.security_group_id
        environment = {
          DATABASE_HOST    = db.address
          DATABASE_PORT    = tostring(var.databases[name].port)
          DATABASE_NAME    = coalesce(db.initial_database, "postgres")
          DATABASE_SSLMODE = "require"
        }
        secrets = {
          DATABASE_USER     = "${db.master_secret_arn}:username::"
          DATABASE_PASSWORD = "${db.master_secret_arn}:password::"
        }
        secret_arns = [db.master_secret_arn]
      }
    },
    {
      (var.broker.name) = {
        port              = module.broker.port
        security_group_id = module.broker.security_group_id
        environment = {
          RABBITMQ_URL      = module.broker.amqp_endpoint
          RABBITMQ_EXCHANGE = local.events_exchange
        }
        secrets = {
          RABBITMQ_USER     = "${module.broker.secret_arn}:username::"
          RABBITMQ_PASSWORD = "${module.broker.secret_arn}:password::"
        }
        secret_arns = [module.broker.secret_arn]
      }
      (var.documents.name) = {
        port              = module.documents.port
        security_group_id = module.documents.security_group_id
        environment = {
          MONGO_HOST = module.documents.endpoint
          MONGO_PORT = tostring(module.documents.port)
          # DocumentDB needs TLS (Amazon's CA bundle in the image) and no retryable writes.
          MONGO_OPTIONS = "tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false"
        }
        secrets = {
          MONGO_USER     = "${module.documents.secret_arn}:username::"
          MONGO_PASSWORD = "${module.documents.secret_arn}:password::"
        }
        secret_arns = [module.documents.secret_arn]
      }
      (var.cache.name) = {
        port              = module.cache.port
        security_group_id = module.cache.security_group_id
        environment = {
          REDIS_HOST = module.cache.primary_endpoint_address
          REDIS_PORT = tostring(module.cache.port)
          REDIS_TLS  = "true"
        }
        secrets = {
          REDIS_PASSWORD = "${module.cache.secret_arn}:password::"
        }
        secret_arns = [module.cache.secret_arn]
      }
      (var.aws_resource) = {
        environment = merge(
          { AWS_REGION = data.aws_region.current.name },
          { for bus, name in module.events.bus_names : "EVENT_BUS_${upper(replace(bus, "-", "_"))}" => name },
          { for queue, url in module.events.queue_urls : "QUEUE_URL_${upper(replace(queue, "-", "_"))}" => url },
        )
        policy_statements = [{
          actions   = ["events:PutEvents"]
          resources = values(module.events.bus_arns)
        }]
      }
    },
  )
}

# One customer-managed key for the lab's data at rest: storage, secrets, queues, logs, images.
# A key policy, not an IAM policy: its Resource "*" means this key and nothing else.
resource "aws_kms_key" "lab" {
  description             = "${var.name} lab: data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsEncrypts"
        Effect    = "Allow"
        Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:*" }
        }
      },
      {
        Sid       = "EventBridgeSendsToEncryptedQueues"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "lab" {
  name          = "alias/${var.name}-lab"
  target_key_id = aws_kms_key.lab.key_id
}

module "network" {
  source = "../../modules/network"

  name               = var.name
  cidr_block         = var.vpc_cidr_block
  kms_key_arn        = aws_kms_key.lab.arn
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

module "databases" {
  source = "../../modules/databases"

  name               = var.name
  databases          = var.databases
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  kms_key_arn        = aws_kms_key.lab.arn
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

module "broker" {
  source = "../../modules/broker"

  name        = var.name
  vpc_id      = module.network.vpc_id
  subnet_ids  = module.network.private_subnet_ids
  kms_key_arn = aws_kms_key.lab.arn
  tags        = local.tags
}

module "documents" {
  source = "../../modules/documents"

  name               = var.name
  port               = var.documents.port
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  kms_key_arn        = aws_kms_key.lab.arn
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

module "cache" {
  source = "../../modules/cache"

  name               = var.name
  port               = var.cache.port
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  kms_key_arn        = aws_kms_key.lab.arn
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

module "events" {
  source = "../../modules/events"

  name           = var.name
  buses          = var.buses
  queues         = var.queues
  rules          = var.rules
  kms_key_arn    = aws_kms_key.lab.arn
  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
  subnet_ids     = module.network.private_subnet_ids

  broker = {
    arn               = module.broker.arn
    amqp_endpoint     = module.broker.amqp_endpoint
    port              = module.broker.port
    security_group_id = module.broker.security_group_id
    secret_arn        = module.broker.secret_arn
  }
  rabbitmq_exchange = local.events_exchange

  eventbridge_bridge_zip   = "${var.lambda_dir}/eventbridge-bridge.zip"
  eventbridge_bridge_queue = var.eventbridge_bridge_queue
  rabbitmq_bridge_zip      = "${var.lambda_dir}/rabbitmq-bridge.zip"
  rabbitmq_bridge_queue    = var.rabbitmq_bridge_queue
  rabbitmq_bridge_bus      = var.rabbitmq_bridge_bus

  log_retention_days = var.log_retention_days
  tags               = local.tags
}

module "services" {
  source = "../../modules/services"

  name                    = var.name
  services                = local.ecs_services
  public_service          = var.public_service
  dependencies            = local.dependencies
  vpc_id                  = module.network.vpc_id
  vpc_cidr_block          = module.network.vpc_cidr_block
  s3_prefix_list_id       = module.network.s3_prefix_list_id
  private_subnet_ids      = module.network.private_subnet_ids
  public_subnet_ids       = module.network.public_subnet_ids
  kms_key_arn             = aws_kms_key.lab.arn
  image_tag               = var.image_tag
  certificate_arn         = var.certificate_arn
  alb_ingress_cidr_blocks = var.alb_ingress_cidr_blocks
  log_retention_days      = var.log_retention_days
  tags                    = local.tags
}

# Every bridge named here must be a lab service, so frank.yaml and the Lambdas cannot drift apart.
check "bridges_are_lab_services" {
  assert {
    condition     = alltrue([for bridge in var.bridges : contains(keys(var.services), bridge)])
    error_message = "var.bridges names a service that frank.yaml does not declare."
  }
}
