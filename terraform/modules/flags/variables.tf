variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"."
}

variable "unleash" {
  type = object({
    name                = string
    port                = number
    image               = string
    admin_token_prefix  = string
    client_token_prefix = string
  })
  description = <<-EOT
    The unleash resource of frank.yaml (frank cloud tfvars writes it): its name (its Cloud Map name), port, the
    pinned official image the docker runtime runs (mirrored into this module's ECR repository under the same tag)
    and the prefixes of its API tokens (<project>:<environment>.), the same the lab's tokens have.
  EOT

  validation {
    condition     = length(split(":", var.unleash.image)) == 2
    error_message = "unleash.image must be <repository>:<tag>."
  }
}

variable "database" {
  type = object({
    port              = number
    security_group_id = string
    url_secret_arn    = string
  })
  description = "Unleash's database: its instance's port and security group, and the secret of its own role (JSON key url)."
}

variable "cluster_arn" {
  type        = string
  description = "ECS cluster the Unleash service runs in (the services module's)."
}

variable "service_discovery_namespace_id" {
  type        = string
  description = "Cloud Map private DNS namespace (the services module's) in which Unleash answers as <name>.<namespace>."
}

variable "service_discovery_namespace" {
  type        = string
  description = "Name of that namespace, for the URL the services get."
  default     = "frank.local"
}

variable "vpc_id" {
  type        = string
  description = "VPC Unleash runs in."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR block of the VPC; the task reaches ECR, logs and Secrets Manager through interface endpoints in it."
}

variable "s3_prefix_list_id" {
  type        = string
  description = "Prefix list of S3 (the network module's gateway endpoint): ECR image layers come from S3."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the task."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the repository, the log group and the token secrets."
}

variable "token_version" {
  type        = number
  description = "Version of the generated API tokens; change it to generate new ones (Unleash and the services take them when started again)."
  default     = 1
}

variable "cpu_architecture" {
  type        = string
  description = "CPU architecture of the task: X86_64 or ARM64 (the official image is built for both)."
  default     = "X86_64"
}

variable "task_cpu" {
  type        = number
  description = "CPU units of the Unleash task."
  default     = 512
}

variable "task_memory" {
  type        = number
  description = "Memory of the Unleash task in MiB."
  default     = 1024
}

variable "start_after" {
  type        = list(string)
  description = "IDs of what must be finished before Unleash starts (the provisioner's invocation creates its role); only their order matters."
  default     = []
}

variable "log_retention_days" {
  type        = number
  description = "How long Unleash's logs are kept."
  default     = 365
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
