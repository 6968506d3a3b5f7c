output "instances" {
  description = "Per instance (frank.yaml name): identifier, address, port, the database created at launch, every database it holds, the master-credentials secret and its security group."
  value = {
    for key, instance in local.instances : key => {
      identifier        = "${var.name}-${key}"
      address           = instance.address
      port              = instance.port
      initial_database  = local.initial_database[key]
      database_names    = var.databases[key].database_names
      master_secret_arn = instance.master_secret_arn
      security_group_id = aws_security_group.this[key].id
    }
  }
}

output "endpoints" {
  description = "host:port of each instance, by frank.yaml name."
  value       = { for key, instance in local.instances : key => "${instance.address}:${instance.port}" }
}

output "security_group_ids" {
  description = "Security group of each instance, by frank.yaml name; services are let in one rule at a time."
  value       = { for key, group in aws_security_group.this : key => group.id }
}

output "master_secret_arns" {
  description = "Secrets Manager ARN of each instance's master credentials (JSON keys username and password, managed and rotated by RDS), by frank.yaml name. Only the provisioner reads them."
  value       = { for key, instance in local.instances : key => instance.master_secret_arn }
}

output "roles" {
  description = "Per database name: the instance that holds it, its schemas and the secret of its role (JSON keys username, password, host, port, dbname, url)."
  value = {
    for database, role in local.roles : database => {
      instance   = role.instance
      schemas    = role.schemas
      secret_arn = aws_secretsmanager_secret_version.role[database].arn # the secret's ARN, once its value is written
    }
  }
}

output "role_secret_arns" {
  description = "Secrets Manager ARN of each database's role (JSON keys username, password, host, port, dbname, url), by database name."
  value       = { for database, version in aws_secretsmanager_secret_version.role : database => version.arn } # once written
}

output "role_secret_version_ids" {
  description = "Current version of each role secret, by database name; it changes when a password is generated again."
  value       = { for database, version in aws_secretsmanager_secret_version.role : database => version.version_id }
}
