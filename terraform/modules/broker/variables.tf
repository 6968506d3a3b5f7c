variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"."
}

variable "vpc_id" {
  type        = string
  description = "VPC the broker lives in."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets; a single-instance broker uses the first one, a cluster uses all of them."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the credentials secret. (Amazon MQ for RabbitMQ encrypts its storage with an AWS-owned key only.)"
}

variable "engine_version" {
  type        = string
  description = "RabbitMQ version. 4.2 makes quorum the default queue type, which the lab's consumers use."
  default     = "4.2"
}

variable "host_instance_type" {
  type        = string
  description = "Broker instance type; RabbitMQ 4.x runs on mq.m7g only."
  default     = "mq.m7g.medium"
}

variable "deployment_mode" {
  type        = string
  description = "SINGLE_INSTANCE for a lab, CLUSTER_MULTI_AZ for three nodes across zones."
  default     = "SINGLE_INSTANCE"

  validation {
    condition     = contains(["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"], var.deployment_mode)
    error_message = "deployment_mode must be SINGLE_INSTANCE or CLUSTER_MULTI_AZ."
  }
}

variable "username" {
  type        = string
  description = "The broker user that services and bridges connect as."
  default     = "frank"
}

variable "password_version" {
  type        = number
  description = "Version of the generated broker password; change it to generate and apply a new one."
  default     = 1
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
