variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"."
}

variable "vpc_id" {
  type        = string
  description = "VPC the cluster lives in."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the DocumentDB subnet group (two availability zones at least)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for storage, the secrets and the log groups."
}

variable "port" {
  type        = number
  description = "Port the cluster listens on; the lab's mongo port by default."
  default     = 27017
}

variable "engine_version" {
  type        = string
  description = "DocumentDB engine version; the parameter group family follows its major version."
  default     = "5.0.0"
}

variable "instance_class" {
  type        = string
  description = "Instance class of every instance."
  default     = "db.t4g.medium"
}

variable "instance_count" {
  type        = number
  description = "Number of instances (1 writer, the rest readers)."
  default     = 1
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups."
  default     = 7
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the cluster. Off by default so that `terraform destroy` tears the lab down."
  default     = false
}

variable "log_retention_days" {
  type        = number
  description = "How long the audit and profiler logs are kept."
  default     = 365
}

variable "username" {
  type        = string
  description = "Master user name."
  default     = "frank_admin"
}

variable "password_version" {
  type        = number
  description = "Version of the generated master password; change it to generate and apply a new one."
  default     = 1
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
