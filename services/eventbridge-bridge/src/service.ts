import { SQSClient } from '@aws-sdk/client-sqs';
import { EVENTS_EXCHANGE, type ServiceDefinition } from '@frank/kit';
import { awsClientConfig } from '@frank/kit/aws';
import { bridgeEvent } from './handler.js';
import { settings } from './settings.js';
import { queueUrlOf, startSqsEventPoller } from '@frank/kit/sqs-poller';

export const WEBHOOK_QUEUE = 'frank-payment-webhooks';

export const definition: ServiceDefinition<typeof settings> = {
  name: 'eventbridge-bridge',
  settings,
  async setup({ amqp, settings: values, log, onShutdown }) {
    if (!amqp) throw new Error('Bad service configuration: AMQP_URL is required');
    const sqs = new SQSClient(awsClientConfig(values));
    // The kit's readiness covers the broker only; listening after SQS answered once covers SQS.
    const queueUrl = await queueUrlOf(sqs, WEBHOOK_QUEUE, log);
    const poller = startSqsEventPoller(queueUrl, {
      sqs,
      queueName: WEBHOOK_QUEUE,
      log,
      handle: async (event) => {
        await bridgeEvent(event, {
          publish: (routingKey, envelope) =>
            amqp.publish(EVENTS_EXCHANGE, routingKey, Buffer.from(JSON.stringify(envelope)), { messageId: envelope.id, type: envelope.type }),
        });
      },
    });
    onShutdown(async () => {
      await poller.stop();
      sqs.destroy();
    });
  },
};
