terraform {
  # Write-only attributes keep the generated broker and cache passwords out of the secrets' state.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100.0"
    }
  }

  # State holds generated passwords: keep it in an encrypted remote backend for anything shared, e.g.
  # backend "s3" { bucket = "...", key = "frank/aws.tfstate", region = "us-east-1", encrypt = true, use_lockfile = true }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}
