output "endpoint" {
  description = "Writer endpoint of the cluster."
  value       = local.endpoint
}

output "reader_endpoint" {
  description = "Reader endpoint of the cluster."
  value       = local.reader_endpoint
}

output "port" {
  description = "Port the cluster listens on."
  value       = var.port
}

output "security_group_id" {
  description = "Security group of the cluster; services are let in one rule at a time."
  value       = aws_security_group.this.id
}

output "secret_arn" {
  description = "Secrets Manager ARN of the master user (JSON keys username and password)."
  value       = aws_secretsmanager_secret.master.arn
}

output "url_secret_arn" {
  description = "Secrets Manager ARN of the connection URL with credentials (JSON key url), what services read as MONGO_URL."
  value       = aws_secretsmanager_secret_version.url.arn # the secret's ARN, once its value is written
}
