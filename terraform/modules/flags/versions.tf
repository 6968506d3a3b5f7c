terraform {
  required_version = ">= 1.11" # write-only attributes and ephemeral resources

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
