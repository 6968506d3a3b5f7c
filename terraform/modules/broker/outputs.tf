output "arn" {
  description = "ARN of the broker (the event source of the rabbitmq-bridge Lambda)."
  value       = aws_mq_broker.this.arn
}

output "id" {
  description = "ID of the broker."
  value       = aws_mq_broker.this.id
}

output "amqp_endpoint" {
  description = "AMQPS endpoint, amqps://host:5671, without credentials."
  value       = local.endpoint
}

output "host" {
  description = "Host name of the AMQPS endpoint."
  value       = local.host
}

output "port" {
  description = "AMQPS port of Amazon MQ for RabbitMQ."
  value       = 5671
}

output "console_url" {
  description = "URL of the RabbitMQ management console (reachable from inside the VPC only)."
  value       = aws_mq_broker.this.instances[0].console_url
}

output "security_group_id" {
  description = "Security group of the broker; users are let in one rule at a time."
  value       = aws_security_group.this.id
}

output "secret_arn" {
  description = "Secrets Manager ARN of the broker user (JSON keys username and password)."
  value       = aws_secretsmanager_secret.this.arn
}

output "username" {
  description = "The broker user's name."
  value       = var.username
}

output "url_secret_arn" {
  description = "Secrets Manager ARN of the connection URL with credentials (JSON key url: amqps://user:password@host:5671), what services read as AMQP_URL."
  value       = aws_secretsmanager_secret_version.url.arn # the secret's ARN, once its value is written
}
