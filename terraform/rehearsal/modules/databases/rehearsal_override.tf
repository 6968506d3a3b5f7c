# Copied into modules/databases/ by `frank cloud rehearse` (see terraform/rehearsal/README.md); never part of a
# real deployment. moto gives every RDS instance the same DbiResourceId, so the provider's wait for a new
# instance finds several and fails: the rehearsal creates no instance and points everything that would read
# one at a stand-in. Every other resource of the module (role secrets, groups, parameter group, log groups)
# stays real.

resource "aws_db_instance" "this" {
  for_each = {}
}

locals {
  instances = {
    for key, db in var.databases : key => {
      address           = "${var.name}-${key}.rehearsal.invalid"
      port              = db.port
      master_secret_arn = aws_secretsmanager_secret.rehearsal_master[key].arn
    }
  }
}
