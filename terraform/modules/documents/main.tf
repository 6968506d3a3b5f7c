locals {
  cluster_identifier = "${var.name}-documents"
  family             = "docdb${split(".", var.engine_version)[0]}.0"
}

resource "aws_security_group" "this" {
  name        = local.cluster_identifier
  description = "DocumentDB: reachable only from the services that use it"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = local.cluster_identifier })
}

resource "aws_docdb_subnet_group" "this" {
  name       = local.cluster_identifier
  subnet_ids = var.subnet_ids

  tags = var.tags
}

# TLS on, and audit and profiler logs go to CloudWatch.
resource "aws_docdb_cluster_parameter_group" "this" {
  name   = local.cluster_identifier
  family = local.family

  parameter {
    name  = "tls"
    value = "enabled"
  }

  parameter {
    name  = "audit_logs"
    value = "enabled"
  }

  parameter {
    name  = "profiler"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(["audit", "profiler"])

  name              = "/aws/docdb/${local.cluster_identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_docdb_cluster" "this" {
  cluster_identifier = local.cluster_identifier
  engine             = "docdb"
  engine_version     = var.engine_version
  port               = var.port
  master_username    = var.username
  # DocumentDB generates the password, keeps it in Secrets Manager and rotates it.
  manage_master_user_password     = true
  db_subnet_group_name            = aws_docdb_subnet_group.this.name
  db_cluster_parameter_group_name = aws_docdb_cluster_parameter_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]

  storage_encrypted               = true
  kms_key_id                      = var.kms_key_arn
  enabled_cloudwatch_logs_exports = ["audit", "profiler"]
  backup_retention_period         = var.backup_retention_days
  deletion_protection             = var.deletion_protection
  skip_final_snapshot             = true # the read side is rebuilt from events
  apply_immediately               = true

  tags = merge(var.tags, { Name = local.cluster_identifier })

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_docdb_cluster_instance" "this" {
  count = var.instance_count

  identifier                 = "${local.cluster_identifier}-${count.index}"
  cluster_identifier         = aws_docdb_cluster.this.id
  instance_class             = var.instance_class
  auto_minor_version_upgrade = true

  tags = var.tags
}
