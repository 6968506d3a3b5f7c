# Copied into modules/documents/ by `frank cloud rehearse` (see terraform/rehearsal/README.md); never part of a
# real deployment. moto refuses engine "docdb", so the rehearsal creates neither the cluster nor its instances
# and gives the endpoint a stand-in. The master and URL secrets, the group, the subnet and parameter groups and
# the log groups stay real.

resource "aws_docdb_cluster" "this" {
  count = 0
}

resource "aws_docdb_cluster_instance" "this" {
  count = 0

  cluster_identifier = local.cluster_identifier # the original names the cluster left out above
}

locals {
  endpoint        = "${var.name}-documents.rehearsal.invalid"
  reader_endpoint = "${var.name}-documents.rehearsal.invalid"
}
