output "bus_names" {
  description = "Name of each bus, by frank.yaml name."
  value       = { for key, bus in aws_cloudwatch_event_bus.this : key => bus.name }
}

output "bus_arns" {
  description = "ARN of each bus, by frank.yaml name."
  value       = { for key, bus in aws_cloudwatch_event_bus.this : key => bus.arn }
}

output "archive_arns" {
  description = "ARN of each archive, by frank.yaml name."
  value       = { for key, archive in aws_cloudwatch_event_archive.this : key => archive.arn }
}

output "queue_urls" {
  description = "URL of each queue, by frank.yaml name."
  value       = { for key, queue in aws_sqs_queue.this : key => queue.url }
}

output "queue_arns" {
  description = "ARN of each queue, by frank.yaml name."
  value       = { for key, queue in aws_sqs_queue.this : key => queue.arn }
}

output "dead_letter_queue_urls" {
  description = "URL of each queue's dead-letter queue, by the main queue's name."
  value       = { for key, queue in aws_sqs_queue.dead_letter : key => queue.url }
}

output "rule_arns" {
  description = "ARN of each rule, by frank.yaml name."
  value       = { for key, rule in aws_cloudwatch_event_rule.this : key => rule.arn }
}

output "lambda_function_names" {
  description = "Function name of each bridge, by lab service name."
  value       = { for key, fn in aws_lambda_function.this : key => fn.function_name }
}

output "lambda_function_arns" {
  description = "ARN of each bridge, by lab service name."
  value       = { for key, fn in aws_lambda_function.this : key => fn.arn }
}

output "bridge_security_group_id" {
  description = "Security group of the bridge Lambdas."
  value       = aws_security_group.bridges.id
}

output "schedule_rule_arns" {
  description = "ARN of each scheduled rule, by frank.yaml name."
  value       = { for key, rule in aws_cloudwatch_event_rule.schedule : key => rule.arn }
}
