output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone, in zone order."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (for the ALB), one per availability zone, in zone order."
  value       = aws_subnet.public[*].id
}

output "s3_prefix_list_id" {
  description = "Prefix list of S3 in this region: security groups must allow HTTPS to it for ECR image layers (through the gateway endpoint)."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "endpoint_security_group_id" {
  description = "Security group of the interface endpoints (HTTPS from the VPC)."
  value       = aws_security_group.endpoints.id
}

output "interface_endpoint_ids" {
  description = "Interface endpoint IDs by AWS service name (e.g. \"sqs\")."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id }
}
