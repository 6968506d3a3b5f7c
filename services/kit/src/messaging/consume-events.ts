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
 *
 * Messages that arrive together (a burst within the prefetch window) are applied as a batch: one
 * transaction records their inbox rows with one statement and runs their handlers in delivery
 * order, and they are acked after its commit. A batch pays BEGIN and COMMIT once, and an event and
 * the one it follows, in one batch, apply in order. If anything in a batch fails, the batch rolls
 * back and each message goes the one-by-one way (its own transaction, retries, dead-lettering),
 * so a poison message dead-letters alone and the others apply once.
 */
export async function consumeEvents(options: ConsumeEventsOptions): Promise<void> {
  const { amqp: connection, pool, log, queue, handlers, otherTypes, prefetch = 20, deliveryLimit = 20 } = options;
  const handlerOf = (type: string): EventHandler | undefined => (Object.hasOwn(handlers, type) ? handlers[type] : otherTypes);
  const declare = (channel: amqp.ConfirmChannel) => declareConsumerQueue(channel, queue, options.bindings ?? Object.keys(handlers), deliveryLimit);

  /** The envelope of a message with a handler here; otherwise the message is dead-lettered as poison. */
  const parse = (message: amqp.ConsumeMessage, channel: amqp.ConfirmChannel): EventEnvelope | undefined => {
    try {
      const event = parseEnvelope(message.content);
      if (!handlerOf(event.type)) throw new PoisonMessageError(`no handler for event type "${event.type}"`, { type: event.type });
      return event;
    } catch (error) {
      log.error('poison message dead-lettered', {
        queue,
        routingKey: message.fields.routingKey,
        ...errorFields(error),
        ...(error instanceof PoisonMessageError ? error.details : {}),
      });
      channel.nack(message, false, false);
      return undefined;
    }
  };

  const handleAlone = async (message: amqp.ConsumeMessage, channel: amqp.ConfirmChannel, event: EventEnvelope) => {
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

  interface Delivery {
    message: amqp.ConsumeMessage;
    channel: amqp.ConfirmChannel;
    /** Settles the promise the connection's consumer awaits (it logs what escapes). */
    settle: (error?: unknown) => void;
  }
  interface ParsedDelivery extends Delivery {
    event: EventEnvelope;
  }

  /** One transaction for the batch: the deliveries that were duplicates, or undefined when it failed as a whole (nothing of it committed). */
  const applyBatch = (batch: ParsedDelivery[]): Promise<Set<ParsedDelivery> | undefined> =>
    // One try: a batch that fails goes one by one, where each message has its own retries.
    inTransaction(
      pool,
      async (client) => {
        const { rows } = await client.query<{ message_id: string }>(
          'INSERT INTO saga_coord.inbox (message_id, handler) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING RETURNING message_id',
          [batch.map((d) => d.event.id), queue],
        );
        const fresh = new Set(rows.map((r) => r.message_id));
        const duplicates = new Set<ParsedDelivery>();
        for (const delivery of batch) {
          if (fresh.delete(delivery.event.id)) await handlerOf(delivery.event.type)!(client, delivery.event);
          else duplicates.add(delivery);
        }
        return duplicates;
      },
      { attempts: 1 },
    ).catch((error: unknown) => {
      log.debug('batch rolled back; its messages go one by one', { queue, messages: batch.length, ...errorFields(error) });
      return undefined;
    });

  /** Applies a batch; resolves once the next batch may start (messages gone one by one may still be at work). */
  const handleBatch = async (deliveries: Delivery[]): Promise<void> => {
    const batch: ParsedDelivery[] = [];
    for (const delivery of deliveries) {
      try {
        // A delivery of a channel that closed meanwhile cannot be acked: the broker sends it again.
        const event = connection.isCurrent(delivery.channel) ? parse(delivery.message, delivery.channel) : undefined;
        if (event) batch.push({ ...delivery, event });
        else delivery.settle();
      } catch (error) {
        delivery.settle(error);
      }
    }
    const duplicates = batch.length > 1 ? await applyBatch(batch) : undefined;
    if (duplicates) {
      for (const delivery of batch) {
        const { message, channel, event, settle } = delivery;
        if (duplicates.has(delivery)) log.info('duplicate message ignored', { queue, eventId: event.id, type: event.type });
        try {
          if (connection.isCurrent(channel)) channel.ack(message);
          settle();
        } catch (error) {
          settle(error);
        }
      }
      return;
    }
    // One message, or a batch that failed: each its own way, concurrently, as before batching.
    for (const { message, channel, event, settle } of batch) handleAlone(message, channel, event).then(() => settle(), settle);
  };

  // Deliveries that arrive while a batch is applied wait for the next one; the first of a quiet
  // queue waits one turn of the event loop for the rest of its burst.
  let waiting: Delivery[] = [];
  let draining = false;
  const drain = async () => {
    draining = true;
    await new Promise((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const batch = waiting.slice(0, prefetch);
      waiting = waiting.slice(prefetch);
      await handleBatch(batch).catch((error) => batch.forEach((d) => d.settle(error)));
    }
    draining = false;
  };
  const deliver = (message: amqp.ConsumeMessage, channel: amqp.ConfirmChannel) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ message, channel, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!draining) void drain();
    });

  await connection.consume({ queue, prefetch, declare, handler: deliver });
}
