import { awsSettings, defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

/** The lab's process: it polls the webhook queue and publishes to RabbitMQ. */
export const settings = defineSettings({
  ...awsSettings,
  AMQP_URL: setting.broker('RabbitMQ, where payment.webhook goes'),
  AWS_EVENTS_QUEUE: setting.tunable(z.string().min(1).optional(), "the SQS queue AWS's own events (scheduled rules) are sent to; unset: none polled"),
});

/**
 * The Lambda (src/lambda.ts): RabbitMQ's URL as a Secrets Manager secret (JSON key `url`) on AWS,
 * or the URL itself. The Lambda runtime sets the region and credentials.
 */
export const lambdaSettings = {
  AMQP_URL_SECRET_ARN: setting.tunable(z.string().min(1).optional(), "the secret holding RabbitMQ's URL (JSON key url)"),
  AMQP_URL: setting.tunable(z.string().min(1).optional(), "RabbitMQ's URL, when no secret holds it"),
  ...awsSettings,
  // Only the secret needs the region, and the Lambda runtime always sets it.
  AWS_REGION: { ...awsSettings.AWS_REGION, schema: z.string().min(1).optional() },
};
