import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EVENTS_EXCHANGE, type ServiceDefinition } from '@frank/kit';
import { awsClientConfig } from '@frank/kit/aws';
import { queueUrlOf, startSqsEventPoller, type SqsEventPoller } from '@frank/kit/sqs-poller';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { bridgeEvent } from './handler.js';
import { startScheduleFirer } from './schedule-firer.js';
import { settings } from './settings.js';

export const WEBHOOK_QUEUE = 'frank-payment-webhooks';

export const definition: ServiceDefinition<typeof settings> = {
  name: 'eventbridge-bridge',
  settings,
  async setup({ amqp, settings: values, log, onShutdown }) {
    if (!amqp) throw new Error('Bad service configuration: AMQP_URL is required');
    const sqs = new SQSClient(awsClientConfig(values));
    const bridge = async (event: EventBridgeEvent) => {
      await bridgeEvent(event, {
        publish: (routingKey, envelope) =>
          amqp.publish(EVENTS_EXCHANGE, routingKey, Buffer.from(JSON.stringify(envelope)), { messageId: envelope.id, type: envelope.type }),
      });
    };
    const queues = [WEBHOOK_QUEUE, ...(values.AWS_EVENTS_QUEUE ? [values.AWS_EVENTS_QUEUE] : [])];
    const pollers: SqsEventPoller[] = [];
    // The kit's readiness covers the broker only; listening after SQS answered once covers SQS.
    for (const queueName of queues) pollers.push(startSqsEventPoller(await queueUrlOf(sqs, queueName, log), { sqs, queueName, log, handle: bridge }));
    const events = new EventBridgeClient(awsClientConfig(values));
    const firer = startScheduleFirer({ events, sqs, log });
    onShutdown(async () => {
      await firer.stop();
      await Promise.all(pollers.map((poller) => poller.stop()));
      events.destroy();
      sqs.destroy();
    });
  },
};
