variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"frank\"; the function is <name>-cloud-provisioner."
}

variable "zip" {
  type        = string
  description = "Path of the provisioner bundle (index.mjs exporting handler, with the services' migrations), as `frank cloud package` writes it."
}

variable "databases" {
  type = map(object({
    host              = string
    port              = number
    master_secret_arn = string
    security_group_id = string
    roles = map(object({
      secret_arn = string
      schemas    = list(string)
    }))
  }))
  description = "Per postgres resource (frank.yaml name): where it answers, its master secret, its security group (which lets the provisioner in), and per database name the secret of its role and the schemas to create."
}

variable "services" {
  type = map(object({
    resource = string
    database = string
  }))
  description = "Per service that uses a postgres resource: that resource and the database its migrations run in (and whose role it connects as)."
}

variable "broker" {
  type = object({
    port              = number
    security_group_id = string
    url_secret_arn    = string
  })
  description = "The broker: its AMQPS port and security group (which lets the provisioner in) and the secret with its connection URL (JSON key url)."
}

variable "jwt_secret_arn" {
  type        = string
  description = "Secrets Manager ARN of the lab's JWT signing secret (JSON key value)."
}

variable "vpc_id" {
  type        = string
  description = "VPC the function runs in."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR block of the VPC; the function reaches Secrets Manager and CloudWatch Logs through interface endpoints on HTTPS inside it."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the function."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key the secrets are encrypted with; also encrypts the function's environment, its log group and its dead-letter queue."
}

variable "seed" {
  type        = number
  description = "Seed passed to the provisioner in its input ({\"seed\", \"code\"}); changing it runs it again."
  default     = 1
}

variable "rerun_on" {
  type        = map(string)
  description = "Values that run the provisioner again when they change, e.g. the version IDs of the role secrets (a new password must be set on its role)."
  default     = {}
}

variable "runtime" {
  type        = string
  description = "Lambda runtime; the bundle is ESM built for this Node version (the same as the bridges)."
  default     = "nodejs22.x"
}

variable "architecture" {
  type        = string
  description = "Instruction set of the function (the same as the bridges)."
  default     = "arm64"
}

variable "timeout" {
  type        = number
  description = "Timeout of one provisioning run in seconds (Lambda's maximum is 900)."
  default     = 300
}

variable "memory" {
  type        = number
  description = "Memory of the function in MiB."
  default     = 512
}

variable "reserved_concurrency" {
  type        = number
  description = "Concurrency reserved for the function; null leaves it unreserved (new accounts with a quota of 10 cannot reserve any)."
  default     = null
}

variable "log_retention_days" {
  type        = number
  description = "How long the function's logs are kept."
  default     = 365
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
