output "instances" {
  description = "Per database (frank.yaml name): address, port, the database created at launch, every database it should hold, the master-credentials secret and its security group."
  value = {
    for key, instance in aws_db_instance.this : key => {
      identifier        = instance.identifier
      arn               = instance.arn
      address           = instance.address
      port              = instance.port
      initial_database  = local.initial_database[key]
      database_names    = var.databases[key].database_names
      master_secret_arn = instance.master_user_secret[0].secret_arn
      security_group_id = aws_security_group.this[key].id
    }
  }
}

output "endpoints" {
  description = "host:port of each instance, by frank.yaml name."
  value       = { for key, instance in aws_db_instance.this : key => instance.endpoint }
}

output "security_group_ids" {
  description = "Security group of each instance, by frank.yaml name; services are let in one rule at a time."
  value       = { for key, group in aws_security_group.this : key => group.id }
}

output "master_secret_arns" {
  description = "Secrets Manager ARN of each instance's master credentials (JSON keys username and password), by frank.yaml name."
  value       = { for key, instance in aws_db_instance.this : key => instance.master_user_secret[0].secret_arn }
}
