# Copied into modules/databases/ by `frank cloud rehearse` beside rehearsal_override.tf. Plays the secret RDS
# would manage for each instance's master user: created without a value, the rehearsal writes the local lab's
# admin credentials into it.
resource "aws_secretsmanager_secret" "rehearsal_master" {
  for_each = var.databases

  name                    = "${var.name}/rehearsal/${each.key}"
  recovery_window_in_days = 0
  description             = "Rehearsal stand-in for the RDS-managed master secret of ${each.key}; frank cloud rehearse writes the lab's admin credentials here"
  kms_key_id              = var.kms_key_arn

  tags = merge(var.tags, { "frank:resource" = each.key })
}
