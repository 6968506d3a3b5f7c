locals {
  major_version = split(".", var.engine_version)[0]
  # RDS creates one database at launch; the others (infrastructure-db holds two) are created by the provisioner.
  initial_database = { for key, db in var.databases : key => try(sort(db.database_names)[0], null) }

  # One least-privilege role per database name, named like the database: keys from var.databases only.
  roles = {
    for role in flatten([
      for key, db in var.databases : [
        for database in db.database_names : { instance = key, database = database, schemas = lookup(db.schemas, database, []) }
      ]
    ]) : role.database => role
  }

  # Where each instance answers and which secret holds its master user. Everything in this module (and every
  # output) reads the instances through this one value, so the cloud rehearsal can replace it with stand-ins.
  instances = {
    for key, db in var.databases : key => {
      address           = aws_db_instance.this[key].address
      port              = aws_db_instance.this[key].port
      master_secret_arn = aws_db_instance.this[key].master_user_secret[0].secret_arn
    }
  }
}

resource "aws_db_subnet_group" "this" {
  name       = "${var.name}-databases"
  subnet_ids = var.subnet_ids

  tags = var.tags
}

# TLS is mandatory, and slow or schema-changing statements are logged.
resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-postgres${local.major_version}"
  family = "postgres${local.major_version}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  tags = var.tags
}

# One group per database: the services module adds an ingress rule for each service that uses it, and no other.
resource "aws_security_group" "this" {
  for_each = var.databases

  name        = "${var.name}-${each.key}"
  description = "PostgreSQL ${each.key}: reachable only from the services that use it"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name               = "${var.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# Created ahead of the instances so the exported logs are encrypted and expire.
resource "aws_cloudwatch_log_group" "postgresql" {
  for_each = var.databases

  name              = "/aws/rds/instance/${var.name}-${each.key}/postgresql"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "upgrade" {
  for_each = var.databases

  name              = "/aws/rds/instance/${var.name}-${each.key}/upgrade"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_db_instance" "this" {
  for_each = var.databases

  identifier     = "${var.name}-${each.key}"
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  db_name        = local.initial_database[each.key]
  port           = each.value.port

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  # RDS generates the master password, keeps it in Secrets Manager and rotates it.
  username                      = "frank_admin"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  iam_database_authentication_enabled = true
  ca_cert_identifier                  = "rds-ca-rsa2048-g1"

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this[each.key].id]
  publicly_accessible    = false
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.this.name

  backup_retention_period    = var.backup_retention_days
  copy_tags_to_snapshot      = true
  deletion_protection        = var.deletion_protection
  skip_final_snapshot        = var.skip_final_snapshot
  final_snapshot_identifier  = var.skip_final_snapshot ? null : "${var.name}-${each.key}-final"
  auto_minor_version_upgrade = true
  apply_immediately          = true

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7

  tags = merge(var.tags, { Name = "${var.name}-${each.key}", "frank:resource" = each.key })

  depends_on = [aws_cloudwatch_log_group.postgresql, aws_cloudwatch_log_group.upgrade]
}

# --- one role per database: the services never see the master user ---

# Letters and digits only, so the password needs no escaping in a URL or in SQL. Bump
# role_password_version to generate new ones; the provisioner then sets them on the roles.
ephemeral "aws_secretsmanager_random_password" "role" {
  for_each = local.roles

  password_length     = 32
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "role" {
  for_each = local.roles

  name                    = "${var.name}/${each.value.instance}/${each.key}"
  recovery_window_in_days = 0 # generated: nothing to recover, and a re-apply may reuse the name at once
  description             = "Role ${each.key} on ${each.value.instance}: JSON keys username, password, host, port, dbname and url"
  kms_key_id              = var.kms_key_arn

  tags = merge(var.tags, { "frank:resource" = each.value.instance })
}

# A role's secret is written again (with a new password) when its instance's address or port changes, so url
# never goes stale; write-only values are otherwise sent only when role_password_version changes.
resource "terraform_data" "role_endpoint" {
  for_each = local.roles

  triggers_replace = [local.instances[each.value.instance].address, local.instances[each.value.instance].port]
}

resource "aws_secretsmanager_secret_version" "role" {
  for_each = local.roles

  secret_id = aws_secretsmanager_secret.role[each.key].id
  secret_string_wo = jsonencode({
    username = each.key
    password = ephemeral.aws_secretsmanager_random_password.role[each.key].random_password
    host     = local.instances[each.value.instance].address
    port     = local.instances[each.value.instance].port
    dbname   = each.key
    url      = "postgres://${urlencode(each.key)}:${urlencode(ephemeral.aws_secretsmanager_random_password.role[each.key].random_password)}@${local.instances[each.value.instance].address}:${local.instances[each.value.instance].port}/${urlencode(each.key)}?sslmode=require"
  })
  secret_string_wo_version = var.role_password_version

  lifecycle {
    replace_triggered_by = [terraform_data.role_endpoint[each.key]]
  }
}
