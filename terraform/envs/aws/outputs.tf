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
  description = "Secrets Manager ARN of each RDS instance's master credentials, by frank.yaml name."
  value       = module.databases.master_secret_arns
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
  description = "Lambda function of each bridge."
  value       = module.events.lambda_function_names
}

output "ecs_service_names" {
  description = "ECS service of each lab service that is not a bridge."
  value       = module.services.service_names
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
