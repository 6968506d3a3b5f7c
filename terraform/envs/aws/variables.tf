# --- from frank.yaml (`npx frank cloud tfvars` writes these) ---

variable "region" {
  type        = string
  description = "AWS region (frank.yaml: resources.aws.region)."
}

variable "databases" {
  type = map(object({
    database_names = list(string)
    port           = number
    schemas        = optional(map(list(string)), {})
  }))
  description = "The postgres resources of frank.yaml: one RDS instance each, with the databases it holds (each gets a role of the same name), its port, and the schemas of each database by database name."
}

variable "services" {
  type = map(object({
    port        = number
    uses        = list(string)
    calls       = list(string)
    secrets     = list(string)
    environment = map(string)
  }))
  description = <<-EOT
    The services of frank.yaml: port, `uses` links (each becomes network access and a URL secret: DATABASE_URL,
    AMQP_URL, MONGO_URL, REDIS_URL; the aws resource AWS_REGION), the services it calls (<NAME>_URL), the lab
    secrets it reads (jwt: JWT_SECRET) and its env: settings. The bridges become Lambda functions, every other
    service an ECS Fargate service.
  EOT

  validation {
    condition     = alltrue([for spec in values(var.services) : length([for used in spec.uses : used if contains(keys(var.databases), used)]) <= 1])
    error_message = "A service may use at most one postgres resource: on AWS it gets one DATABASE_URL, for its own role."
  }

  validation {
    condition     = alltrue(flatten([for spec in values(var.services) : [for used in spec.uses : length(var.databases[used].database_names) > 0 if contains(keys(var.databases), used)]]))
    error_message = "A postgres resource that a service uses must hold at least one database: the service connects as the role of its first one."
  }
}

variable "broker" {
  type = object({
    name      = string
    exchanges = map(string)
  })
  description = "The rabbitmq resource of frank.yaml: its name (as services' `uses` say it) and its exchanges (the services declare them on the broker themselves)."
}

variable "documents" {
  type = object({
    name = string
    port = number
  })
  description = "The mongo resource of frank.yaml: its name and port (DocumentDB listens on the same port)."
}

variable "cache" {
  type = object({
    name = string
    port = number
  })
  description = "The redis resource of frank.yaml: its name and port (ElastiCache listens on the same port)."
}

variable "aws_resource" {
  type        = string
  description = "Name of frank.yaml's aws resource: a service that `uses` it gets AWS_REGION and may put events on the buses (its task role gives the credentials)."
}

variable "buses" {
  type        = list(string)
  description = "EventBridge buses (frank.yaml: resources.aws.buses)."
}

variable "queues" {
  type        = list(string)
  description = "SQS queues, each with a dead-letter queue (frank.yaml: resources.aws.queues)."
}

variable "rules" {
  type = map(object({
    bus     = string
    target  = string
    pattern = string
  }))
  description = "EventBridge rules by name: bus, target queue and event pattern as a JSON string (frank.yaml: resources.aws.rules)."
}

variable "schedules" {
  type = map(object({
    target              = string
    schedule_expression = string
  }))
  description = "Scheduled EventBridge rules by name: target queue and schedule expression (frank.yaml: resources.aws.rules with schedule; cloudSchedule when set)."
}

variable "archives" {
  type = map(object({
    bus            = string
    pattern        = string
    retention_days = number
  }))
  description = "EventBridge archives by name: the bus, its event pattern as a JSON string (null: every event of the bus) and the days kept (frank.yaml: resources.aws.archives)."
}

variable "unleash" {
  type = object({
    name                = string
    port                = number
    postgres            = string
    database            = string
    image               = string
    admin_token_prefix  = string
    client_token_prefix = string
  })
  description = "The unleash resource of frank.yaml: an ECS service from the pinned official image on its database's own role (postgres: the resource, database: its name), with generated tokens of these <project>:<environment>. prefixes. null: no Unleash, and flags read their declared defaults."

  validation {
    condition     = var.unleash == null || try(contains(var.databases[var.unleash.postgres].database_names, var.unleash.database), false)
    error_message = "unleash.postgres must be one of var.databases, holding unleash.database."
  }
}

# --- deployment settings (not in frank.yaml) ---

variable "name" {
  type        = string
  description = "Prefix for resource names."
  default     = "frank"
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR block of the lab's VPC."
  default     = "10.40.0.0/16"
}

variable "image_tag" {
  type        = string
  description = "Tag of the service images pushed to the ECR repositories (see the ecr_repository_urls output)."
  default     = "0.1.0"
}

variable "bridges" {
  type        = list(string)
  description = "Services that run as Lambda functions rather than ECS services: the two bridges and the image handler."
  default     = ["eventbridge-bridge", "rabbitmq-bridge", "image-processing"]
}

variable "lambda_dir" {
  type        = string
  description = "Folder holding <bridge>.zip for each bridge and cloud-provisioner.zip, as `npx frank cloud package` writes them (relative to this folder)."
  default     = "../../build/lambdas"
}

variable "eventbridge_bridge_queue" {
  type        = string
  description = "The SQS queue (a rule's target) that feeds the eventbridge-bridge."
  default     = "frank-payment-webhooks"
}

variable "rabbitmq_bridge_bus" {
  type        = string
  description = "The bus the rabbitmq-bridge forwards order outcomes to."
  default     = "frank-internal"
}

variable "rabbitmq_bridge_queue" {
  type        = string
  description = "The RabbitMQ queue the rabbitmq-bridge consumes."
  default     = "rabbitmq-bridge.outcomes"
}

variable "public_service" {
  type        = string
  description = "The service behind the ALB."
  default     = "bff"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for HTTPS on the ALB (port 80 then redirects to it). Without one, plan fails unless allow_plain_http is set."
  default     = null
}

variable "allow_plain_http" {
  type        = bool
  description = "Without certificate_arn, serve the bff over plain HTTP on port 80. Set it on purpose, e.g. for a lab without a domain."
  default     = false
}

variable "alb_ingress_cidr_blocks" {
  type        = list(string)
  description = "IPv4 ranges allowed to reach the ALB."
  default     = ["0.0.0.0/0"]
}

variable "log_retention_days" {
  type        = number
  description = "How long every log group keeps its logs."
  default     = 365
}

variable "role_password_version" {
  type        = number
  description = "Version of the generated database role passwords; change it to generate new ones (the provisioner sets them on the roles during the same apply)."
  default     = 1
}

variable "unleash_token_version" {
  type        = number
  description = "Version of Unleash's generated API tokens; change it to generate new ones (Unleash and the services take them when started again)."
  default     = 1
}

variable "jwt_secret_version" {
  type        = number
  description = "Version of the generated JWT signing secret; change it to generate a new one (running tasks keep the old value until started again)."
  default     = 1
}

variable "buckets" {
  type        = list(string)
  description = "S3 buckets (frank.yaml: resources.aws.buckets)."
}

variable "images_bucket" {
  type        = string
  description = "The bucket of product images, one of var.buckets: the images module makes it, its rule and the image Lambda."
  default     = "frank-product-images"
}

variable "image_uploaders" {
  type        = list(string)
  description = "ECS services that put product images into the bucket and read their thumbnails (inventory's upload and thumbnail endpoints)."
  default     = ["inventory"]
}
