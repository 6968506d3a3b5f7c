data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  tags = merge({ "frank:lab" = var.name, "managed-by" = "terraform" }, var.tags)

  ecs_services = { for name, spec in var.services : name => spec if !contains(var.bridges, name) }

  # The postgres resource each service uses (at most one, see the validation of var.services) and the database
  # whose role it connects as: the first database name of that resource.
  service_databases = {
    for service, spec in var.services : service => {
      resource = one([for used in spec.uses : used if contains(keys(var.databases), used)])
      database = sort(var.databases[one([for used in spec.uses : used if contains(keys(var.databases), used)])].database_names)[0]
    } if length([for used in spec.uses : used if contains(keys(var.databases), used)]) > 0
  }

  # What each name in a service's `uses` means on AWS: network access, environment, secrets, IAM. Every entry's
  # keys are written here or come from variables; values from other modules (ARNs, addresses) may be unknown
  # until apply, and nothing below turns them into keys or counts.
  dependencies = merge(
    {
      for name, db in var.databases : name => {
        port              = db.port
        security_group_id = module.databases.security_group_ids[name]
        # Each service connects as its own role, never as the master user.
        service_secrets = {
          for service, link in local.service_databases : service => {
            DATABASE_URL = { arn = module.databases.role_secret_arns[link.database], key = "url" }
          } if link.resource == name
        }
      }
    },
    {
      (var.broker.name) = {
        port              = module.broker.port
        security_group_id = module.broker.security_group_id
        secrets           = { AMQP_URL = { arn = module.broker.url_secret_arn, key = "url" } }
      }
      (var.documents.name) = {
        port              = var.documents.port
        security_group_id = module.documents.security_group_id
        secrets           = { MONGO_URL = { arn = module.documents.url_secret_arn, key = "url" } }
      }
      (var.cache.name) = {
        port              = var.cache.port
        security_group_id = module.cache.security_group_id
        secrets           = { REDIS_URL = { arn = module.cache.url_secret_arn, key = "url" } }
      }
      # No keys and no endpoint: the task role gives the credentials.
      (var.aws_resource) = {
        environment = { AWS_REGION = data.aws_region.current.name }
        policy_statements = [{
          actions   = ["events:PutEvents"]
          resources = values(module.events.bus_arns)
        }]
      }
    },
    # Unleash's client API and the client token (the kit's UNLEASH_URL and UNLEASH_TOKEN).
    {
      for unleash in var.unleash == null ? [] : [var.unleash] : unleash.name => {
        port              = unleash.port
        security_group_id = module.flags[0].security_group_id
        environment       = { UNLEASH_URL = module.flags[0].url }
        secrets           = { UNLEASH_TOKEN = { arn = module.flags[0].client_token_secret_arn, key = "token" } }
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

  name                  = var.name
  databases             = var.databases
  role_password_version = var.role_password_version
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.private_subnet_ids
  kms_key_arn           = aws_kms_key.lab.arn
  log_retention_days    = var.log_retention_days
  tags                  = local.tags
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
  schedules      = var.schedules
  archives       = var.archives
  kms_key_arn    = aws_kms_key.lab.arn
  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
  subnet_ids     = module.network.private_subnet_ids

  broker = {
    arn               = module.broker.arn
    port              = module.broker.port
    security_group_id = module.broker.security_group_id
    secret_arn        = module.broker.secret_arn
    url_secret_arn    = module.broker.url_secret_arn
  }

  eventbridge_bridge_zip   = "${var.lambda_dir}/eventbridge-bridge.zip"
  eventbridge_bridge_queue = var.eventbridge_bridge_queue
  rabbitmq_bridge_zip      = "${var.lambda_dir}/rabbitmq-bridge.zip"
  rabbitmq_bridge_queue    = var.rabbitmq_bridge_queue
  rabbitmq_bridge_bus      = var.rabbitmq_bridge_bus

  log_retention_days = var.log_retention_days
  tags               = local.tags
}

# Product images: the bucket, S3's events forwarded from the default bus, and the image Lambda.
module "images" {
  source = "../../modules/images"

  name              = var.name
  bucket_name       = var.images_bucket
  event_bus_name    = "frank-external"
  event_bus_arn     = module.events.bus_arns["frank-external"]
  queue_arn         = module.events.queue_arns["frank-image-uploads"]
  zip               = "${var.lambda_dir}/image-processing.zip"
  kms_key_arn       = aws_kms_key.lab.arn
  vpc_id            = module.network.vpc_id
  vpc_cidr_block    = module.network.vpc_cidr_block
  s3_prefix_list_id = module.network.s3_prefix_list_id
  subnet_ids        = module.network.private_subnet_ids

  log_retention_days = var.log_retention_days
  tags               = local.tags
}

resource "aws_iam_role_policy" "image_uploaders" {
  for_each = toset(var.image_uploaders)

  name   = "product-images"
  role   = module.services.task_role_names[each.key]
  policy = module.images.uploader_policy_json
}

check "images_bucket_is_a_bucket" {
  assert {
    condition     = contains(var.buckets, var.images_bucket)
    error_message = "var.images_bucket is not one of var.buckets (frank.yaml: resources.aws.buckets)."
  }
}

module "provisioner" {
  source = "../../modules/provisioner"

  name = var.name
  zip  = "${var.lambda_dir}/cloud-provisioner.zip"

  databases = {
    for name, db in var.databases : name => {
      host              = module.databases.instances[name].address
      port              = db.port
      master_secret_arn = module.databases.instances[name].master_secret_arn
      security_group_id = module.databases.security_group_ids[name]
      roles = {
        for database in db.database_names : database => {
          secret_arn = module.databases.role_secret_arns[database]
          schemas    = lookup(db.schemas, database, [])
        }
      }
    }
  }
  services = local.service_databases
  broker = {
    port              = module.broker.port
    security_group_id = module.broker.security_group_id
    url_secret_arn    = module.broker.url_secret_arn
  }
  jwt_secret_arn = module.services.jwt_secret_arn
  # A role password generated again must be set on its role.
  rerun_on = module.databases.role_secret_version_ids

  vpc_id             = module.network.vpc_id
  vpc_cidr_block     = module.network.vpc_cidr_block
  subnet_ids         = module.network.private_subnet_ids
  kms_key_arn        = aws_kms_key.lab.arn
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
  allow_plain_http        = var.allow_plain_http
  alb_ingress_cidr_blocks = var.alb_ingress_cidr_blocks
  jwt_secret_version      = var.jwt_secret_version
  # Services start once their roles, databases, schemas and migrations exist.
  start_after        = [module.provisioner.invocation_id]
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

# Unleash on the services' cluster and namespace, on its own role of its database; started once the provisioner
# has made that role.
module "flags" {
  source = "../../modules/flags"
  count  = var.unleash == null ? 0 : 1

  name = var.name
  unleash = {
    name                = var.unleash.name
    port                = var.unleash.port
    image               = var.unleash.image
    admin_token_prefix  = var.unleash.admin_token_prefix
    client_token_prefix = var.unleash.client_token_prefix
  }
  database = {
    port              = var.databases[var.unleash.postgres].port
    security_group_id = module.databases.security_group_ids[var.unleash.postgres]
    url_secret_arn    = module.databases.role_secret_arns[var.unleash.database]
  }
  cluster_arn                    = module.services.cluster_arn
  service_discovery_namespace_id = module.services.service_discovery_namespace_id
  service_discovery_namespace    = module.services.service_discovery_namespace
  vpc_id                         = module.network.vpc_id
  vpc_cidr_block                 = module.network.vpc_cidr_block
  s3_prefix_list_id              = module.network.s3_prefix_list_id
  subnet_ids                     = module.network.private_subnet_ids
  kms_key_arn                    = aws_kms_key.lab.arn
  token_version                  = var.unleash_token_version
  start_after                    = [module.provisioner.invocation_id]
  log_retention_days             = var.log_retention_days
  tags                           = local.tags
}

# Every bridge named here must be a lab service, so frank.yaml and the Lambdas cannot drift apart.
check "bridges_are_lab_services" {
  assert {
    condition     = alltrue([for bridge in var.bridges : contains(keys(var.services), bridge)])
    error_message = "var.bridges names a service that frank.yaml does not declare."
  }
}
