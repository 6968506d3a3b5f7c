variable "name" {
  type        = string
  description = "Prefix for the names of the image Lambda and its supporting resources, e.g. \"frank\"."
}

variable "bucket_name" {
  type        = string
  description = "The product images bucket (frank.yaml: resources.aws.buckets); its name is in the rules' patterns, so the lab and the cloud agree."
}

variable "originals_prefix" {
  type        = string
  description = "Where uploads land in the bucket; S3's Object Created events under it start the thumbnails."
  default     = "originals/"
}

variable "thumbnails_prefix" {
  type        = string
  description = "Where the image Lambda writes thumbnails; the only prefix it may write."
  default     = "thumbnails/"
}

variable "event_bus_name" {
  type        = string
  description = "The bus S3's events are forwarded to from the default bus, and where product.image-ready goes (frank-external)."
}

variable "event_bus_arn" {
  type        = string
  description = "ARN of event_bus_name."
}

variable "queue_arn" {
  type        = string
  description = "The SQS queue a rule on event_bus_name fills with the uploads' Object Created events (frank-image-uploads, with its dead-letter queue, from the events module)."
}

variable "zip" {
  type        = string
  description = "The image-processing Lambda bundle (index.mjs with sharp's linux-x64 binaries), as `npx frank cloud package` writes it."
}

variable "kms_key_arn" {
  type        = string
  description = "The lab's KMS key: the bucket, the log group, the Lambda's environment and dead-letter queue."
}

variable "vpc_id" {
  type        = string
  description = "VPC the Lambda runs in."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR block of the VPC: the Lambda reaches EventBridge through its interface endpoint on HTTPS."
}

variable "s3_prefix_list_id" {
  type        = string
  description = "Prefix list of the S3 gateway endpoint: the Lambda reads and writes the bucket through it."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the Lambda."
}

variable "lambda_runtime" {
  type        = string
  description = "Runtime of the Lambda; the bundle is ESM built for this Node version."
  default     = "nodejs22.x"
}

variable "lambda_timeout" {
  type        = number
  description = "Timeout of one invocation in seconds (a batch of images); the queue's visibility timeout must be at least this."
  default     = 30
}

variable "lambda_memory" {
  type        = number
  description = "Memory of the Lambda in MiB: sharp decodes a 5 MiB photo in memory."
  default     = 1024
}

variable "reserved_concurrency" {
  type        = number
  description = "Concurrency reserved for the Lambda; null leaves it unreserved."
  default     = null
}

variable "log_retention_days" {
  type        = number
  description = "How long the Lambda's logs are kept."
  default     = 365
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags."
  default     = {}
}
