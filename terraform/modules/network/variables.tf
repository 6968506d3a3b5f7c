variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"."
}

variable "cidr_block" {
  type        = string
  description = "The VPC's IPv4 CIDR block; split into /20 subnets, private ones first."
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0))
    error_message = "cidr_block must be an IPv4 CIDR block such as 10.40.0.0/16."
  }
}

variable "az_count" {
  type        = number
  description = "How many availability zones get a private and a public subnet (RDS and DocumentDB subnet groups need at least 2)."
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count must be between 2 and 4."
  }
}

variable "interface_endpoints" {
  type        = list(string)
  description = "AWS services reached through interface VPC endpoints instead of a NAT gateway. ECS needs ecr.api, ecr.dkr, logs and secretsmanager; the bridges need sqs, events and secretsmanager; the Amazon MQ event source mapping needs lambda, sts and secretsmanager."
  default     = ["ecr.api", "ecr.dkr", "events", "lambda", "logs", "secretsmanager", "sqs", "sts"]
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the flow-log log group."
}

variable "log_retention_days" {
  type        = number
  description = "How long VPC flow logs are kept."
  default     = 365
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
