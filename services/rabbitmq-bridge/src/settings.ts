import { awsSettings, defineSettings, setting } from '@frank/kit/settings';

/** The lab's process: it consumes its queue and puts order outcomes on frank-internal. */
export const settings = defineSettings({
  ...awsSettings,
  AMQP_URL: setting.broker('RabbitMQ, where it consumes order outcomes'),
});

/** The Lambda (src/lambda.ts), fed by the Amazon MQ event source: the Lambda runtime sets the region and credentials. */
export const lambdaSettings = { ...awsSettings };
