import { errorFields, type ServiceDefinition } from '@frank/kit';
import { createEventBridgeClient, putEventsWith } from './event-bridge-put-events.js';
import { forwardOrderOutcome, type ForwardDeps } from './handler.js';
import { parseOrderOutcome, UnforwardableMessageError } from './order-outcome-envelope.js';
import { declareOutcomeQueue, QUEUE } from './outcome-queue.js';
import { settings } from './settings.js';

/**
 * The lab's process around forwardOrderOutcome: it consumes its own queue and acks a message only
 * after EventBridge took it. No inbox (no database): a redelivery is forwarded again, with the
 * same eventId in its Detail.
 */
export const definition: ServiceDefinition<typeof settings> = {
  name: 'rabbitmq-bridge',
  settings,
  async setup({ settings: values, amqp, log, onShutdown }) {
    if (!amqp) throw new Error('rabbitmq-bridge needs AMQP_URL');
    const client = createEventBridgeClient({
      endpoint: values.AWS_ENDPOINT_URL,
      region: values.AWS_REGION,
      accessKeyId: values.AWS_ACCESS_KEY_ID,
      secretAccessKey: values.AWS_SECRET_ACCESS_KEY,
    });
    onShutdown(async () => client.destroy());
    const deps: ForwardDeps = { putEvents: putEventsWith(client) };

    await amqp.consume({
      queue: QUEUE,
      prefetch: 10,
      declare: declareOutcomeQueue,
      handler: async (message, channel) => {
        try {
          const envelope = parseOrderOutcome(message.content.toString('utf8'));
          await forwardOrderOutcome(envelope, deps);
          channel.ack(message);
          log.debug('forwarded', { eventId: envelope.id, type: envelope.type });
        } catch (error) {
          if (error instanceof UnforwardableMessageError) {
            log.error('poison message dead-lettered', { queue: QUEUE, routingKey: message.fields.routingKey, ...errorFields(error) });
            channel.nack(message, false, false);
            return;
          }
          // The quorum queue counts deliveries; the pause grows with them, so that the delivery
          // limit is reached only after minutes of EventBridge being away, not seconds.
          const deliveries = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
          const pauseMs = Math.min(30_000, 500 * 2 ** deliveries);
          log.warn('forwarding failed; requeued', { queue: QUEUE, deliveries, pauseMs, ...errorFields(error) });
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
          try {
            channel.nack(message, false, true);
          } catch {
            /* the channel is gone: the broker redelivers */
          }
        }
      },
    });
  },
};
