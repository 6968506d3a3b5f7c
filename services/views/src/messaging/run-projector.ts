import { declareConsumerQueue, errorFields, parseEnvelope, PoisonMessageError, type AmqpConnection, type EventEnvelope, type Logger } from '@frank/kit';
import type { Collection, Document } from 'mongodb';
import { NotYetApplicableError, type Projector } from './projectors.js';

export interface RunProjectorOptions {
  amqp: AmqpConnection;
  log: Logger;
  projector: Projector;
  /** projector_status of the projector's own database: last event applied, lag, count. */
  status: Collection<Document>;
  prefetch?: number;
  deliveryLimit?: number;
}

/**
 * Consumes a projector's own quorum queue. No inbox (the views have no PostgreSQL): the documents
 * themselves are the idempotency guard, so the message is acked only after the Mongo write. Poison
 * goes to the queue's dead-letter queue at once; a failure is requeued with backoff.
 */
export async function runProjector(options: RunProjectorOptions): Promise<void> {
  const { amqp, log, projector, status, prefetch = 10, deliveryLimit = 50 } = options;
  await amqp.consume({
    queue: projector.queue,
    prefetch,
    declare: (channel) => declareConsumerQueue(channel, projector.queue, [...projector.events], deliveryLimit),
    handler: async (message, channel) => {
      let event: EventEnvelope;
      try {
        event = parseEnvelope(message.content);
        if (!projector.events.includes(event.type)) throw new PoisonMessageError(`no projection for event type "${event.type}"`, { type: event.type });
      } catch (error) {
        log.error('poison message dead-lettered', { queue: projector.queue, routingKey: message.fields.routingKey, ...errorFields(error) });
        channel.nack(message, false, false);
        return;
      }
      try {
        await projector.apply(event);
        await recordApplied(status, event).catch((error) => log.warn('projector status not recorded', errorFields(error)));
        channel.ack(message);
      } catch (error) {
        const deliveries = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
        const delayMs = Math.min(5000, 200 * 2 ** Math.min(deliveries, 5));
        const level = error instanceof NotYetApplicableError ? 'info' : 'warn';
        log[level]('projection failed; requeued', { queue: projector.queue, eventId: event.id, type: event.type, deliveries, retryInMs: delayMs, ...errorFields(error) });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        try {
          channel.nack(message, false, true);
        } catch {
          /* the channel is gone: the broker redelivers */
        }
      }
    },
  });
}

async function recordApplied(status: Collection<Document>, event: EventEnvelope): Promise<void> {
  const now = new Date();
  const lagMs = Math.max(0, now.getTime() - Date.parse(event.time));
  await status.updateOne(
    { _id: 'status' } as Document,
    { $set: { lastEventId: event.id, lastEventType: event.type, lastEventTime: event.time, lastAppliedAt: now.toISOString(), lastLagMs: lagMs }, $inc: { applied: 1 } },
    { upsert: true },
  );
}
