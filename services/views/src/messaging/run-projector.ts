import { declareConsumerQueue, errorFields, parseEnvelope, PoisonMessageError, type AmqpConnection, type EventEnvelope, type Logger } from '@frank/kit';
import type { Collection, Document } from 'mongodb';
import { Coalesced } from './coalesced.js';
import type { LagWindow } from './lag-window.js';
import type { ProjectorGate } from './projector-gate.js';
import { NotYetApplicableError, type Projector } from './projectors.js';

export interface RunProjectorOptions {
  amqp: AmqpConnection;
  log: Logger;
  projector: Projector;
  /** projector_status of the projector's own database: last event applied, lag, count. */
  status: Collection<Document>;
  prefetch?: number;
  deliveryLimit?: number;
  /** Closed while a rebuild replaces the projector's collections. */
  gate: ProjectorGate;
  /** Where each applied event's lag (its time to now) is kept for /views/status. */
  lags?: LagWindow;
}

/**
 * Consumes a projector's own quorum queue. No inbox (the views have no PostgreSQL): the documents
 * themselves are the idempotency guard, so the message is acked only after the Mongo write. Poison
 * goes to the queue's dead-letter queue at once; a failure is requeued with backoff.
 */
export async function runProjector(options: RunProjectorOptions): Promise<{ stop(): void }> {
  const { amqp, log, projector, status, gate, lags, prefetch = 10, deliveryLimit = 50 } = options;
  const recorder = statusRecorder(status, log);
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
      await gate.enter();
      let failure: unknown;
      try {
        await projector.apply(event);
        lags?.record(Math.max(0, Date.now() - Date.parse(event.time)));
        recorder.applied(event);
      } catch (error) {
        failure = error ?? new Error('projection failed');
      } finally {
        gate.done();
      }
      if (failure === undefined) {
        channel.ack(message);
        return;
      }
      const deliveries = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
      const delayMs = Math.min(5000, 200 * 2 ** Math.min(deliveries, 5));
      const level = failure instanceof NotYetApplicableError ? 'info' : 'warn';
      log[level]('projection failed; requeued', {
        queue: projector.queue,
        eventId: event.id,
        type: event.type,
        deliveries,
        retryInMs: delayMs,
        ...errorFields(failure),
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        channel.nack(message, false, true);
      } catch {
        /* the channel is gone: the broker redelivers */
      }
    },
  });
  return { stop: () => recorder.stop() };
}

/**
 * projector_status, written at most twice a second rather than per event: under load it was one
 * Mongo write in four. The count of the last moment before a crash is lost; it is a figure, not
 * a guard.
 */
function statusRecorder(status: Collection<Document>, log: Logger): { applied(event: EventEnvelope): void; stop(): void } {
  let count = 0;
  let last: { event: EventEnvelope; at: Date } | undefined;
  const flush = async () => {
    if (!last) return;
    const { event, at } = last;
    const applied = count;
    count = 0;
    await status
      .updateOne(
        { _id: 'status' } as Document,
        {
          $set: {
            lastEventId: event.id,
            lastEventType: event.type,
            lastEventTime: event.time,
            lastAppliedAt: at.toISOString(),
            lastLagMs: Math.max(0, at.getTime() - Date.parse(event.time)),
          },
          $inc: { applied },
        },
        { upsert: true },
      )
      .catch((error: unknown) => {
        count += applied;
        throw error;
      });
  };
  const pending = new Coalesced(500, flush, (_key, error) => log.warn('projector status not recorded', errorFields(error)));
  return {
    applied(event) {
      count++;
      last = { event, at: new Date() };
      pending.schedule('status');
    },
    stop: () => pending.stop(),
  };
}
