output "alb_dns_name" {
  description = "DNS name of the ALB in front of the bff."
  value       = module.services.alb_dns_name
}

output "bff_url" {
  description = "URL of the bff through the ALB; `frank saga run --target aws` sends its requests here."
  value       = module.services.public_url
}

output "database_endpoints" {
  description = "host:port of each RDS instance, by frank.yaml name."
  value       = module.databases.endpoints
}

output "database_secret_arns" {
  description = "Secrets Manager ARN of each RDS instance's master credentials (managed by RDS), by frank.yaml name; only the provisioner reads them, no service does."
  value       = module.databases.master_secret_arns
}

output "database_role_secret_arns" {
  description = "Secrets Manager ARN of each database role's credentials (JSON username, password, host, port, dbname, url), by database name; a service's DATABASE_URL comes from its own."
  value       = module.databases.role_secret_arns
}

output "broker_url_secret_arn" {
  description = "Secrets Manager ARN of the broker's connection URL with credentials (JSON key url), given to services as AMQP_URL."
  value       = module.broker.url_secret_arn
}

output "documents_url_secret_arn" {
  description = "Secrets Manager ARN of DocumentDB's connection URL with credentials (JSON key url), given to services as MONGO_URL."
  value       = module.documents.url_secret_arn
}

output "cache_url_secret_arn" {
  description = "Secrets Manager ARN of the cache's connection URL with the AUTH token (JSON key url), given to services as REDIS_URL."
  value       = module.cache.url_secret_arn
}

output "jwt_secret_arn" {
  description = "Secrets Manager ARN of the lab's JWT signing secret (JSON key value), given as JWT_SECRET to the services that list jwt."
  value       = module.services.jwt_secret_arn
}

output "provisioner_function_name" {
  description = "Lambda function that creates the roles, databases and schemas and runs the migrations; apply invokes it, and it can be invoked again by hand."
  value       = module.provisioner.function_name
}

output "broker_endpoint" {
  description = "AMQPS endpoint of Amazon MQ for RabbitMQ (no credentials)."
  value       = module.broker.amqp_endpoint
}

output "broker_console_url" {
  description = "RabbitMQ management console (reachable from inside the VPC)."
  value       = module.broker.console_url
}

output "documents_endpoint" {
  description = "DocumentDB writer endpoint."
  value       = module.documents.endpoint
}

output "cache_endpoint" {
  description = "ElastiCache Redis primary endpoint (TLS)."
  value       = module.cache.primary_endpoint_address
}

output "bus_names" {
  description = "EventBridge bus names, by frank.yaml name."
  value       = module.events.bus_names
}

output "queue_urls" {
  description = "SQS queue URLs, by frank.yaml name."
  value       = module.events.queue_urls
}

output "lambda_function_names" {
  description = "Lambda function of each lab service that runs as one (the bridges and image-processing), by lab service name."
  value       = merge(module.events.lambda_function_names, { "image-processing" = module.images.lambda_function_name })
}

output "ecs_service_names" {
  description = "ECS service of each lab service that is not a bridge."
  value       = module.services.service_names
}

output "task_definition_arns" {
  description = "Task definition of each ECS service, by lab service name (the cloud rehearsal reads each container's environment and secrets from them)."
  value       = module.services.task_definition_arns
}

output "service_settings" {
  description = "Per ECS service: its container's environment (names and values) and its secrets (name => JSON key), known at plan time; the task definitions hold the same plus the secrets' ARNs."
  value       = module.services.container_settings
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.services.cluster_name
}

output "ecr_repository_urls" {
  description = "ECR repository of each service image; push <url>:<image_tag> before `apply` starts the services."
  value       = module.services.ecr_repository_urls
}

output "region" {
  description = "AWS region of the lab."
  value       = data.aws_region.current.name
}

output "images_bucket" {
  description = "The product images bucket."
  value       = module.images.bucket_name
}

output "unleash_ecr_repository_url" {
  description = "ECR repository for Unleash's official image (null without Unleash): copy the pinned image there under its own tag before `apply` starts Unleash."
  value       = one(module.flags[*].ecr_repository_url)
}

output "unleash_image" {
  description = "The image Unleash's task runs (null without Unleash)."
  value       = one(module.flags[*].image)
}

output "unleash_admin_token_secret_arn" {
  description = "Secrets Manager ARN of Unleash's admin token (JSON key token; null without Unleash)."
  value       = one(module.flags[*].admin_token_secret_arn)
}

output "unleash_settings" {
  description = "Unleash's container environment and secrets (name => JSON key), known at plan time (null without Unleash)."
  value       = one(module.flags[*].container_settings)
}
