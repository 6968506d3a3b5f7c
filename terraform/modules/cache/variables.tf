variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"."
}

variable "vpc_id" {
  type        = string
  description = "VPC the cache lives in."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the ElastiCache subnet group."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for data at rest, the auth-token secret and the slow log."
}

variable "port" {
  type        = number
  description = "Port Redis listens on; the lab's redis port by default."
  default     = 6379
}

variable "engine_version" {
  type        = string
  description = "Redis OSS engine version."
  default     = "7.1"
}

variable "node_type" {
  type        = string
  description = "Node type of every node."
  default     = "cache.t4g.micro"
}

variable "node_count" {
  type        = number
  description = "Nodes in the replication group; 2 or more turns on automatic failover across zones."
  default     = 1
}

variable "snapshot_retention_days" {
  type        = number
  description = "Days of automatic snapshots."
  default     = 1
}

variable "log_retention_days" {
  type        = number
  description = "How long the slow log is kept."
  default     = 365
}

variable "auth_token_version" {
  type        = number
  description = "Version of the generated AUTH token; change it to generate and apply a new one."
  default     = 1
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
