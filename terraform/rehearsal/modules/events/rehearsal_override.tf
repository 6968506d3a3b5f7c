# Copied into modules/events/ by `frank cloud rehearse` (see terraform/rehearsal/README.md); never part of a real
# deployment. moto's Lambda does not take an Amazon MQ broker as an event source ("Invalid EventSourceArn"), so
# the rehearsal leaves out the mapping that feeds the rabbitmq-bridge Lambda. Everything else of the module
# (the bridge functions included) stays real.

resource "aws_lambda_event_source_mapping" "rabbitmq_bridge" {
  count = 0
}
