variable "name" {
  type        = string
  description = "Prefix for the names of the bridges and their supporting resources, e.g. \"frank\". Buses, queues and rules keep their frank.yaml names so the lab and the cloud agree."
}

variable "buses" {
  type        = list(string)
  description = "EventBridge buses to create, by name (frank.yaml: resources.aws.buses)."
}

variable "queues" {
  type        = list(string)
  description = "SQS queues to create, by name; each gets a dead-letter queue named <queue>-dlq (frank.yaml: resources.aws.queues)."
}

variable "rules" {
  type = map(object({
    bus     = string
    target  = string
    pattern = string
  }))
  description = "EventBridge rules by name: the bus it listens on, the queue it delivers to and its event pattern as a JSON string (frank.yaml: resources.aws.rules)."
  default     = {}

  validation {
    condition     = alltrue([for rule in values(var.rules) : can(jsondecode(rule.pattern))])
    error_message = "Every rule's pattern must be a JSON document."
  }
}

variable "schedules" {
  type = map(object({
    target              = string
    schedule_expression = string
  }))
  description = "Scheduled EventBridge rules by name, on the default bus (the only bus that runs schedules): the queue AWS's Scheduled Event goes to and a rate() or cron() expression (frank.yaml: resources.aws.rules with schedule, cloudSchedule)."
  default     = {}

  validation {
    condition     = alltrue([for schedule in values(var.schedules) : can(regex("^(rate|cron)\\(.+\\)$", schedule.schedule_expression))])
    error_message = "Every schedule_expression must be rate(...) or cron(...)."
  }
}

variable "archives" {
  type = map(object({
    bus            = string
    pattern        = optional(string)
    retention_days = number
  }))
  description = "EventBridge archives by name: the bus whose events it keeps, its event pattern as a JSON string (null: every event of the bus) and the days it keeps each event (frank.yaml: resources.aws.archives)."
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.archives) : can(regex("^[.\\-_A-Za-z0-9]{1,48}$", name))])
    error_message = "Every archive's name must be 1 to 48 letters, digits, dots, dashes or underscores."
  }

  validation {
    condition     = alltrue([for archive in values(var.archives) : archive.pattern == null || can(jsondecode(archive.pattern))])
    error_message = "Every archive's pattern must be null or a JSON document."
  }

  validation {
    condition     = alltrue([for archive in values(var.archives) : archive.retention_days >= 1 && floor(archive.retention_days) == archive.retention_days])
    error_message = "Every archive's retention_days must be a whole number of days, at least 1."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the queues, the Lambda environment and the log groups."
}

variable "vpc_id" {
  type        = string
  description = "VPC the bridge Lambdas run in (they reach the private broker)."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR block of the VPC; the bridges reach AWS APIs through interface endpoints on HTTPS inside it."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the bridge Lambdas."
}

variable "broker" {
  type = object({
    arn               = string
    port              = number
    security_group_id = string
    secret_arn        = string
    url_secret_arn    = string
  })
  description = "The Amazon MQ for RabbitMQ broker the bridges connect to (outputs of the broker module): secret_arn holds the broker user (JSON username and password, what the event source mapping reads), url_secret_arn the connection URL (JSON url, what the eventbridge-bridge reads)."
}

variable "eventbridge_bridge_zip" {
  type        = string
  description = "Path of the eventbridge-bridge bundle (index.mjs exporting handler), as `frank cloud package` writes it."
}

variable "eventbridge_bridge_queue" {
  type        = string
  description = "The SQS queue that feeds the eventbridge-bridge; one of var.queues."
  default     = "frank-payment-webhooks"
}

variable "rabbitmq_bridge_zip" {
  type        = string
  description = "Path of the rabbitmq-bridge bundle (index.mjs exporting handler), as `frank cloud package` writes it."
}

variable "rabbitmq_bridge_queue" {
  type        = string
  description = "The RabbitMQ queue the rabbitmq-bridge consumes (through a Lambda event source mapping); it must exist on the broker, bound to the routing keys to forward."
  default     = "rabbitmq-bridge.outcomes"
}

variable "rabbitmq_bridge_bus" {
  type        = string
  description = "The bus the rabbitmq-bridge forwards to; one of var.buses."
  default     = "frank-internal"
}

variable "lambda_runtime" {
  type        = string
  description = "Runtime of both bridges; the bundles are ESM built for this Node version."
  default     = "nodejs22.x"
}

variable "lambda_timeout" {
  type        = number
  description = "Timeout of each bridge invocation in seconds; the SQS visibility timeout is six times this."
  default     = 30
}

variable "lambda_memory" {
  type        = number
  description = "Memory of each bridge in MiB."
  default     = 256
}

variable "reserved_concurrency" {
  type        = number
  description = "Concurrency reserved for each bridge; null leaves it unreserved (new accounts with a quota of 10 cannot reserve any)."
  default     = null
}

variable "log_retention_days" {
  type        = number
  description = "How long the bridges' logs are kept."
  default     = 365
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
