output "primary_endpoint_address" {
  description = "Host name of the primary (TLS required)."
  value       = local.primary_endpoint_address
}

output "reader_endpoint_address" {
  description = "Host name of the reader endpoint (TLS required)."
  value       = local.reader_endpoint_address
}

output "port" {
  description = "Port Redis listens on."
  value       = var.port
}

output "security_group_id" {
  description = "Security group of the cache; services are let in one rule at a time."
  value       = aws_security_group.this.id
}

output "secret_arn" {
  description = "Secrets Manager ARN of the AUTH token (JSON key password)."
  value       = aws_secretsmanager_secret.this.arn
}

output "url_secret_arn" {
  description = "Secrets Manager ARN of the connection URL with the AUTH token (JSON key url: rediss://:token@host:port), what services read as REDIS_URL."
  value       = aws_secretsmanager_secret_version.url.arn # the secret's ARN, once its value is written
}
