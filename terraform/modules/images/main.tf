# --- the bucket: private, encrypted with the lab's key, versioned, announcing its events on EventBridge ---

resource "aws_s3_bucket" "images" {
  bucket        = var.bucket_name
  force_destroy = true # `terraform destroy` tears the lab down, images included

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "images" {
  bucket = aws_s3_bucket.images.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "images" {
  bucket = aws_s3_bucket.images.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "images" {
  bucket = aws_s3_bucket.images.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "images" {
  bucket = aws_s3_bucket.images.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "images" {
  bucket = aws_s3_bucket.images.id

  rule {
    id     = "tidy"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  depends_on = [aws_s3_bucket_versioning.images]
}

# S3 sends its events to the account's default bus only.
resource "aws_s3_bucket_notification" "images" {
  bucket      = aws_s3_bucket.images.id
  eventbridge = true
}

# --- the default bus forwards the uploads' Object Created events to frank-external, where the lab's rule is ---

resource "aws_cloudwatch_event_rule" "uploads_to_bus" {
  name           = "${var.name}-image-uploads-to-${var.event_bus_name}"
  description    = "S3 Object Created under ${var.originals_prefix} in ${var.bucket_name}, forwarded to ${var.event_bus_name}"
  event_bus_name = "default"
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [var.bucket_name] }
      object = { key = [{ prefix = var.originals_prefix }] }
    }
  })

  tags = var.tags
}

data "aws_iam_policy_document" "events_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "forward" {
  name               = "${var.name}-image-uploads-forward"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "forward" {
  name = "put-on-${var.event_bus_name}"
  role = aws_iam_role.forward.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "events:PutEvents", Resource = var.event_bus_arn }]
  })
}

resource "aws_cloudwatch_event_target" "uploads_to_bus" {
  rule           = aws_cloudwatch_event_rule.uploads_to_bus.name
  event_bus_name = "default"
  target_id      = "bus-${var.event_bus_name}"
  arn            = var.event_bus_arn
  role_arn       = aws_iam_role.forward.arn
}

# --- the image Lambda: the lab's handler (services/image-processing/src/lambda.ts) ---

resource "aws_security_group" "images" {
  name        = "${var.name}-image-processing"
  description = "Image Lambda: HTTPS to S3 (gateway endpoint) and to EventBridge (interface endpoint)"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-image-processing" })
}

resource "aws_vpc_security_group_egress_rule" "images_s3" {
  security_group_id = aws_security_group.images.id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "images_endpoints" {
  security_group_id = aws_security_group.images.id
  description       = "HTTPS to the interface endpoints (EventBridge)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_sqs_queue" "lambda_dead_letter" {
  name                              = "${var.name}-image-processing-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "images" {
  name              = "/aws/lambda/${var.name}-image-processing"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "images" {
  name               = "${var.name}-image-processing"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "images_vpc" {
  role       = aws_iam_role.images.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "images_xray" {
  role       = aws_iam_role.images.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# Least privilege: read originals, write thumbnails, put its one event, drain its one queue.
data "aws_iam_policy_document" "images" {
  statement {
    sid       = "ReadOriginals"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.images.arn}/${var.originals_prefix}*"]
  }

  statement {
    sid       = "WriteThumbnails"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.images.arn}/${var.thumbnails_prefix}*"]
  }

  statement {
    sid       = "PutImageReady"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus_arn]
  }

  statement {
    sid       = "DrainUploadQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = [var.queue_arn]
  }

  statement {
    sid       = "DeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.lambda_dead_letter.arn]
  }

  statement {
    sid       = "LabKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "images" {
  name   = "image-processing"
  role   = aws_iam_role.images.id
  policy = data.aws_iam_policy_document.images.json
}

resource "aws_lambda_function" "images" {
  function_name    = "${var.name}-image-processing"
  description      = "frank image-processing: the lab's handler (sharp thumbnails), bundled by frank cloud package"
  role             = aws_iam_role.images.arn
  filename         = var.zip
  source_code_hash = filebase64sha256(var.zip)
  handler          = "index.handler"
  runtime          = var.lambda_runtime
  # sharp's prebuilt binaries in the bundle are linux-x64 ones.
  architectures = ["x86_64"]
  timeout       = var.lambda_timeout
  memory_size   = var.lambda_memory
  kms_key_arn   = var.kms_key_arn

  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  environment {
    variables = {
      IMAGES_EVENT_BUS = var.event_bus_name
    }
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.images.id]
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.lambda_dead_letter.arn
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.images.name
  }

  tags = merge(var.tags, { "frank:service" = "image-processing" })

  depends_on = [aws_iam_role_policy.images, aws_iam_role_policy_attachment.images_vpc]
}

# A record that fails is reported (ReportBatchItemFailures); after the queue's maxReceiveCount its redrive
# policy moves it to the queue's dead-letter queue: nothing of a bad image was written.
resource "aws_lambda_event_source_mapping" "images" {
  function_name           = aws_lambda_function.images.arn
  event_source_arn        = var.queue_arn
  batch_size              = 5
  function_response_types = ["ReportBatchItemFailures"]
}

# --- what a service that takes uploads needs (inventory's task role) ---

data "aws_iam_policy_document" "uploader" {
  statement {
    sid       = "PutOriginals"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.images.arn}/${var.originals_prefix}*"]
  }

  statement {
    sid       = "ReadThumbnails"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.images.arn}/${var.thumbnails_prefix}*"]
  }

  statement {
    sid       = "LabKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}
