output "endpoint" {
  description = "Writer endpoint of the cluster."
  value       = aws_docdb_cluster.this.endpoint
}

output "reader_endpoint" {
  description = "Reader endpoint of the cluster."
  value       = aws_docdb_cluster.this.reader_endpoint
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
  description = "Secrets Manager ARN of the master user, managed by DocumentDB (JSON keys username and password)."
  value       = aws_docdb_cluster.this.master_user_secret[0].secret_arn
}
