output "bucket_name" {
  description = "The product images bucket."
  value       = aws_s3_bucket.images.bucket
}

output "bucket_arn" {
  description = "ARN of the product images bucket."
  value       = aws_s3_bucket.images.arn
}

output "lambda_function_name" {
  description = "The image-processing Lambda."
  value       = aws_lambda_function.images.function_name
}

output "lambda_function_arn" {
  description = "ARN of the image-processing Lambda."
  value       = aws_lambda_function.images.arn
}

output "uploader_policy_json" {
  description = "What a service that takes uploads needs (inventory): put originals, read thumbnails, with the lab's key."
  value       = data.aws_iam_policy_document.uploader.json
}
