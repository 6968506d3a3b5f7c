import type amqp from 'amqplib';
import type { DbClient, Pool } from '../db/pool.js';
import { databaseAnswers } from '../db/database-gate.js';
import { inTransaction, isTransient } from '../db/pool.js';
import { PoisonMessageError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import type { AmqpConnection } from './amqp-connection.js';
import { DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE } from './amqp-connection.js';
import type { EventEnvelope } from './envelope.js';
import { parseEnvelope } from './envelope.js';

/** Handles one event inside the transaction that also records it in the inbox. */
export type EventHandler = (client: DbClient, event: EventEnvelope) => Promise<void>;

export interface ConsumeEventsOptions {
  amqp: AmqpConnection;
  pool: Pool;
  log: Logger;
  /** The service's own durable queue, e.g. `inventory.saga`. */
  queue: string;
  /** Event type → handler; the queue is bound to frank.events with each type as routing key. */
  handlers: Record<string, EventHandler>;
  prefetch?: number;
  /** After this many deliveries a message that keeps failing is dead-lettered. */
  deliveryLimit?: number;
  /** Routing keys to bind instead of the handlers' types (e.g. `#`); a type with no handler is poison. */
  bindings?: string[];
  /** For a queue bound to `#`: the handler of every type without one of its own, which then is no poison (a new service's events). */
  otherTypes?: EventHandler;
}

/**
 * A consumer's queue: quorum, bound to frank.events, dead-lettered to frank.dlx (at once for
 * poison, after the delivery limit for a message that keeps failing) into its own `<queue>.dlq`.
 */
export async function declareConsumerQueue(channel: amqp.Channel, queue: string, routingKeys: string[], deliveryLimit = 20): Promise<void> {
  const dlq = deadLetterQueueOf(queue);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(dlq, DEAD_LETTER_EXCHANGE, queue);
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE,
      'x-dead-letter-routing-key': queue,
      'x-delivery-limit': deliveryLimit,
    },
  });
  for (const key of routingKeys) await channel.bindQueue(queue, EVENTS_EXCHANGE, key);
}

/** How often a message is applied again after its database answered, before a fault that keeps coming counts as a failure. */
const HELD_TRIES = 20;

export function deadLetterQueueOf(queue: string): string {
  return `${queue}.dlq`;
}

/**
 * A consumer with an inbox: the message id is recorded in the same transaction as the handler's
 * effects, so a redelivered message has no second effect. A poison message (not JSON, not an
 * envelope, a type nobody handles) is dead-lettered at once; an infrastructure fault is retried.
 */
export async function consumeEvents(options: ConsumeEventsOptions): Promise<void> {
  const { amqp: connection, pool, log, queue, handlers, otherTypes, prefetch = 20, deliveryLimit = 20 } = options;
  const handlerOf = (type: string): EventHandler | undefined => (Object.hasOwn(handlers, type) ? handlers[type] : otherTypes);
  const declare = (channel: amqp.ConfirmChannel) => declareConsumerQueue(channel, queue, options.bindings ?? Object.keys(handlers), deliveryLimit);

  const handle = async (message: amqp.ConsumeMessage, channel: amqp.ConfirmChannel) => {
    let event: EventEnvelope;
    try {
      event = parseEnvelope(message.content);
      if (!handlerOf(event.type)) throw new PoisonMessageError(`no handler for event type "${event.type}"`, { type: event.type });
    } catch (error) {
      log.error('poison message dead-lettered', {
        queue,
        routingKey: message.fields.routingKey,
        ...errorFields(error),
        ...(error instanceof PoisonMessageError ? error.details : {}),
      });
      channel.nack(message, false, false);
      return;
    }
    const apply = () =>
      inTransaction(pool, async (client) => {
        const inserted = await client.query('INSERT INTO saga_coord.inbox (message_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING', [event.id, queue]);
        if (inserted.rowCount === 0) return false;
        await handlerOf(event.type)!(client, event);
        return true;
      });
    try {
      let applied: boolean | undefined;
      for (let held = 0; applied === undefined; held++) {
        try {
          applied = await apply();
        } catch (error) {
          // Its own database is away: hold the message (unacked, so nothing is lost if this
          // process dies) until the database answers, then apply it. No redelivery churn, no line
          // per message, and it resumes the moment the database is back. A transient fault with
          // the database answering (a serialization conflict) gets a few such tries, then the
          // backoff below.
          if (!isTransient(error) || held >= HELD_TRIES || !connection.isCurrent(channel)) throw error;
          await databaseAnswers(pool, log);
          // The broker went meanwhile: this delivery cannot be settled; the broker sends it again.
          if (!connection.isCurrent(channel)) return;
        }
      }
      if (!applied) log.info('duplicate message ignored', { queue, eventId: event.id, type: event.type });
      channel.ack(message);
    } catch (error) {
      if (!connection.isCurrent(channel)) return;
      if (error instanceof PoisonMessageError) {
        log.error('poison message dead-lettered', { queue, eventId: event.id, type: event.type, ...errorFields(error), ...error.details });
        channel.nack(message, false, false);
        return;
      }
      // Backoff by delivery count: a failing message does not spin while its database is away,
      // and an event that arrived before the one it follows gets time for that one to land.
      const deliveries = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
      const delayMs = Math.min(5000, 200 * 2 ** Math.min(deliveries, 5));
      log.warn('event handling failed; requeued', {
        queue,
        eventId: event.id,
        type: event.type,
        transient: isTransient(error),
        deliveries,
        retryInMs: delayMs,
        ...errorFields(error),
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        channel.nack(message, false, true);
      } catch {
        /* the channel is gone: the broker redelivers */
      }
    }
  };

  await connection.consume({ queue, prefetch, declare, handler: handle });
}
