output "url" {
  description = "Unleash's client API inside the VPC (the services' UNLEASH_URL)."
  value       = local.url
}

output "port" {
  description = "Port Unleash listens on."
  value       = var.unleash.port
}

output "security_group_id" {
  description = "Unleash's security group: the services module lets in each service that uses it."
  value       = aws_security_group.this.id
}

output "client_token_secret_arn" {
  description = "Secrets Manager ARN (the version's) of the client token (JSON key token), the services' UNLEASH_TOKEN."
  value       = aws_secretsmanager_secret_version.token["client"].arn
}

output "admin_token_secret_arn" {
  description = "Secrets Manager ARN (the version's) of the admin token (JSON key token), for `frank flags` against this deployment."
  value       = aws_secretsmanager_secret_version.token["admin"].arn
}

output "ecr_repository_url" {
  description = "ECR repository the official image is copied into, under its own tag."
  value       = aws_ecr_repository.this.repository_url
}

output "image" {
  description = "The image the task runs: ecr_repository_url and the pinned tag."
  value       = "${aws_ecr_repository.this.repository_url}:${local.image_tag}"
}

output "service_name" {
  description = "Name of Unleash's ECS service."
  value       = aws_ecs_service.this.name
}

output "container_settings" {
  description = "Unleash's container environment (names and values) and its secrets (name => JSON key), known at plan time."
  value = {
    environment = local.environment
    secrets     = { for name, secret in local.secrets : name => secret.key }
  }
}
