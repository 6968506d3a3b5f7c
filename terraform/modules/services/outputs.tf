output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_names" {
  description = "ECS service name of each lab service, by lab service name."
  value       = { for key, service in aws_ecs_service.this : key => service.name }
}

output "task_definition_arns" {
  description = "Task definition ARN of each service."
  value       = { for key, task in aws_ecs_task_definition.this : key => task.arn }
}

output "ecr_repository_urls" {
  description = "ECR repository of each service's image; push <url>:<image_tag> before applying."
  value       = { for key, repository in aws_ecr_repository.this : key => repository.repository_url }
}

output "security_group_ids" {
  description = "Own security group of each service."
  value       = { for key, group in aws_security_group.service : key => group.id }
}

output "log_group_names" {
  description = "CloudWatch log group of each service."
  value       = { for key, group in aws_cloudwatch_log_group.this : key => group.name }
}

output "service_urls" {
  description = "In-VPC URL of each service through service discovery."
  value       = { for key, spec in var.services : key => "http://${key}.${var.service_discovery_namespace}:${spec.port}" }
}

output "alb_dns_name" {
  description = "DNS name of the ALB."
  value       = aws_lb.this.dns_name
}

output "public_url" {
  description = "URL of the public service through the ALB (https when a certificate is set)."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "jwt_secret_arn" {
  description = "Secrets Manager ARN of the lab's JWT signing secret (JSON key value), given as JWT_SECRET to the services that list jwt in their secrets."
  value       = local.lab_secrets.jwt.arn
}

output "service_discovery_namespace" {
  description = "Private DNS namespace in which each service answers as <name>.<namespace>."
  value       = aws_service_discovery_private_dns_namespace.this.name
}

output "service_discovery_namespace_id" {
  description = "ID of that namespace, for what else registers in it (Unleash)."
  value       = aws_service_discovery_private_dns_namespace.this.id
}

output "container_settings" {
  description = "Per service: its container's environment (names and values) and the names of its secrets, each with the JSON key it reads. The same values the task definitions are built from, but known at plan time (a task definition is not: it holds secret ARNs)."
  value = {
    for service, spec in var.services : service => {
      environment = local.environment[service]
      secrets     = { for name, secret in local.secrets[service] : name => secret.key }
    }
  }
}

output "task_role_names" {
  description = "Task role of each service, by lab service name (the env attaches what a service needs beyond its dependencies, e.g. the images bucket)."
  value       = { for name, role in aws_iam_role.task : name => role.name }
}
