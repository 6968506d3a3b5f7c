variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"."
}

variable "databases" {
  type = map(object({
    database_names = list(string)
    port           = number
    schemas        = optional(map(list(string)), {})
  }))
  description = "One RDS PostgreSQL instance per key (the postgres resources of frank.yaml): the databases it holds (each gets a role of the same name), the port it listens on, and the schemas of each database by database name."

  validation {
    condition     = alltrue([for db in values(var.databases) : db.port >= 1150 && db.port <= 65535])
    error_message = "RDS PostgreSQL ports must be between 1150 and 65535."
  }

  validation {
    condition     = length(flatten([for db in values(var.databases) : db.database_names])) == length(distinct(flatten([for db in values(var.databases) : db.database_names])))
    error_message = "Every database name must be unique across the instances: each becomes a role and a secret named after it."
  }

  validation {
    condition     = alltrue(flatten([for db in values(var.databases) : [for database in keys(db.schemas) : contains(db.database_names, database)]]))
    error_message = "The schemas of an instance must be keyed by one of its database_names."
  }
}

variable "role_password_version" {
  type        = number
  description = "Version of the generated role passwords; change it to generate new ones (the provisioner sets them on the roles)."
  default     = 1
}

variable "vpc_id" {
  type        = string
  description = "VPC the instances live in."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the DB subnet group (two availability zones at least)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for storage, Performance Insights, the master-password and role secrets and the log groups."
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL major version (or major.minor); the parameter group family follows the major version."
  default     = "16"
}

variable "instance_class" {
  type        = string
  description = "Instance class of every instance."
  default     = "db.t4g.micro"
}

variable "allocated_storage" {
  type        = number
  description = "Initial storage in GiB."
  default     = 20
}

variable "max_allocated_storage" {
  type        = number
  description = "Storage autoscaling ceiling in GiB."
  default     = 100
}

variable "multi_az" {
  type        = bool
  description = "Run a standby in a second zone. Off by default: a lab does not need it and it doubles the cost."
  default     = false
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups."
  default     = 7
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instances. Off by default so that `terraform destroy` tears the lab down."
  default     = false
}

variable "skip_final_snapshot" {
  type        = bool
  description = "Delete without a final snapshot. A lab's data is seeded, so by default none is kept."
  default     = true
}

variable "monitoring_interval" {
  type        = number
  description = "Enhanced Monitoring interval in seconds (0 turns it off)."
  default     = 60
}

variable "log_retention_days" {
  type        = number
  description = "How long the exported PostgreSQL logs are kept."
  default     = 365
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
