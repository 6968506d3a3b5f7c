output "function_name" {
  description = "Name of the provisioner Lambda function (invoke it again with `aws lambda invoke` to provision by hand)."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the provisioner Lambda function."
  value       = aws_lambda_function.this.arn
}

output "invocation_id" {
  description = "ID of the invocation made during apply; whatever must start after provisioning (the ECS services) refers to it."
  value       = aws_lambda_invocation.this.id
}

output "security_group_id" {
  description = "Security group of the provisioner; every database's group and the broker's let it in."
  value       = aws_security_group.this.id
}

output "plan" {
  description = "The plan the function receives as PROVISION_PLAN (names, hosts and secret ARNs; no credentials)."
  value       = local.plan
}
