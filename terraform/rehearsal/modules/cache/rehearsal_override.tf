# Copied into modules/cache/ by `frank cloud rehearse` (see terraform/rehearsal/README.md); never part of a real
# deployment. moto never creates a replication group's member clusters, so the provider's wait fails: the
# rehearsal creates no replication group and gives the endpoint a stand-in. The AUTH and URL secrets, the
# group, the subnet group and the slow-log group stay real.

resource "aws_elasticache_replication_group" "this" {
  count = 0
}

locals {
  primary_endpoint_address = "${var.name}-redis.rehearsal.invalid"
  reader_endpoint_address  = "${var.name}-redis.rehearsal.invalid"
}
