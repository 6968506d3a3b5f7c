# --- from frank.yaml (`npx frank cloud tfvars` writes these) ---

variable "region" {
  type        = string
  description = "AWS region (frank.yaml: resources.aws.region)."
}

variable "databases" {
  type = map(object({
    database_names = list(string)
    port           = number
  }))
  description = "The postgres resources of frank.yaml: one RDS instance each, with the databases it holds and its port."
}

variable "services" {
  type = map(object({
    port = number
    uses = list(string)
  }))
  description = "The services of frank.yaml with their ports and `uses` links. The bridges become Lambda functions, every other service an ECS Fargate service."
}

variable "broker" {
  type = object({
    name      = string
    exchanges = map(string)
  })
  description = "The rabbitmq resource of frank.yaml: its name (as services' `uses` say it) and its exchanges."
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
  description = "Name of frank.yaml's aws resource: a service that `uses` it may put events on the buses and gets their names and the queue URLs."
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
  description = "Services that run as Lambda functions rather than ECS services."
  default     = ["eventbridge-bridge", "rabbitmq-bridge"]
}

variable "lambda_dir" {
  type        = string
  description = "Folder holding <bridge>.zip for each bridge, as `npx frank cloud package` writes it (relative to this folder)."
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
  default     = "rabbitmq-bridge"
}

variable "public_service" {
  type        = string
  description = "The service behind the ALB."
  default     = "bff"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for HTTPS on the ALB; without one the ALB serves plain HTTP."
  default     = null
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
