variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"."
}

variable "services" {
  type = map(object({
    port        = number
    uses        = list(string)
    calls       = optional(list(string), [])
    secrets     = optional(list(string), [])
    environment = optional(map(string), {})
  }))
  description = <<-EOT
    One ECS Fargate service per key (frank.yaml: services): the port it listens on, the dependencies it uses,
    the services it calls (each becomes <NAME>_URL, http://<name>.<namespace>:<port>), the lab secrets it reads
    (jwt: JWT_SECRET) and its own settings (frank.yaml env:, passed as they are).
  EOT

  validation {
    condition     = alltrue(flatten([for spec in values(var.services) : [for callee in spec.calls : contains(keys(var.services), callee)]]))
    error_message = "Every name in a service's calls must be one of var.services (an ECS service)."
  }

  validation {
    condition     = alltrue(flatten([for spec in values(var.services) : [for name in spec.secrets : contains(["jwt"], name)]]))
    error_message = "A service's secrets may only name lab secrets this module knows: jwt."
  }
}

variable "public_service" {
  type        = string
  description = "The one service the ALB exposes; one of var.services."
  default     = "bff"
}

variable "dependencies" {
  type = map(object({
    port              = optional(number)
    security_group_id = optional(string)
    environment       = optional(map(string), {})
    secrets           = optional(map(object({ arn = string, key = string })), {})
    service_secrets   = optional(map(map(object({ arn = string, key = string }))), {})
    policy_statements = optional(list(object({ actions = list(string), resources = list(string) })), [])
  }))
  description = <<-EOT
    What a service gets for each name in its `uses`, keyed by frank.yaml resource name. With a port (known at plan
    time: it decides which rules exist) and a security_group_id the service's security group may reach that group on
    that port and that group lets it in (and nothing else reaches it from the services). environment is added to
    the container; secrets (environment variable => the secret's ARN and JSON key) are given to every service that
    uses it, service_secrets only to the service named (e.g. its own database role); the execution role may read
    exactly those secrets. policy_statements are granted to its task role.
  EOT
}

variable "vpc_id" {
  type        = string
  description = "VPC the services run in."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR block of the VPC; tasks reach AWS APIs through interface endpoints on HTTPS inside it."
}

variable "s3_prefix_list_id" {
  type        = string
  description = "Prefix list of S3 (the network module's gateway endpoint): tasks pull ECR image layers from S3."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets for the tasks."
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets for the ALB."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the image repositories, the log groups and the secrets the tasks read."
}

variable "image_tag" {
  type        = string
  description = "Tag of every service's image in its ECR repository (tags are immutable: push a new tag per release)."
}

variable "cpu_architecture" {
  type        = string
  description = "CPU architecture the images are built for: X86_64 or ARM64."
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "task_cpu" {
  type        = number
  description = "CPU units of each task."
  default     = 256
}

variable "task_memory" {
  type        = number
  description = "Memory of each task in MiB."
  default     = 512
}

variable "desired_count" {
  type        = number
  description = "Tasks per service."
  default     = 1
}

variable "health_check_path" {
  type        = string
  description = "Path the ALB probes on the public service."
  default     = "/health"
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for HTTPS on the ALB; port 80 then redirects to 443. Without one, allow_plain_http must be set."
  default     = null
}

variable "allow_plain_http" {
  type        = bool
  description = "Without certificate_arn, serve the public service over plain HTTP on port 80. Off by default: set it on purpose (a lab without a domain); with a certificate it changes nothing."
  default     = false
}

variable "alb_ingress_cidr_blocks" {
  type        = list(string)
  description = "IPv4 ranges allowed to reach the ALB; narrow it to your own address for a private lab."
  default     = ["0.0.0.0/0"]
}

variable "enable_waf" {
  type        = bool
  description = "Put an AWS WAF web ACL with AWS managed rules in front of the ALB."
  default     = true
}

variable "service_discovery_namespace" {
  type        = string
  description = "Private DNS namespace in which each service is <name>.<namespace>."
  default     = "frank.local"
}

variable "jwt_secret_version" {
  type        = number
  description = "Version of the generated JWT signing secret; change it to generate a new one (running tasks keep the old value until started again)."
  default     = 1
}

variable "start_after" {
  type        = list(string)
  description = "IDs of what must be finished before any ECS service is created (e.g. the provisioner's invocation); only their order matters."
  default     = []
}

variable "log_retention_days" {
  type        = number
  description = "How long the services' and the WAF's logs are kept."
  default     = 365
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
