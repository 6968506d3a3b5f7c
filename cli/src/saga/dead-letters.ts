import amqplib from 'amqplib';

/** A message found in a dead-letter queue, by what its envelope says. */
export interface DeadLetter {
  queue: string;
  eventId: string | null;
  type: string | null;
  sagaId: string | null;
  orderId: string | null;
  /** x-first-death-reason: rejected (poison), delivery_limit, expired… */
  reason: string | null;
}

/**
 * Reads dead-letter queues without consuming them: AMQP 0-9-1 has no peek, so each message is
 * fetched with basic.get (unacknowledged) and all are put back with one nack(requeue) at the end.
 * What that costs: each message's x-delivery-count goes up by one. The lab's DLQs set no delivery
 * limit, and RabbitMQ 3.x quorum queues have none by default, so nothing is dropped; RabbitMQ 4
 * gives quorum queues a default limit of 20, so there, peeking a DLQ 20 times would drop its
 * messages (`frank saga stuck --no-peek` skips the peek). Main queues are never peeked: their
 * delivery limit (20) dead-letters what is returned too often.
 */
export async function peekDeadLetters(amqpUrl: string, queues: readonly string[], maxPerQueue = 500): Promise<DeadLetter[]> {
  const connection = await amqplib.connect(amqpUrl);
  connection.on('error', () => undefined);
  const found: DeadLetter[] = [];
  try {
    for (const queue of queues) {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        let taken = 0;
        for (; taken < maxPerQueue; taken++) {
          const message = await channel.get(queue, { noAck: false });
          if (!message) break;
          found.push({ queue, ...describe(message.content), reason: headerText(message.properties.headers?.['x-first-death-reason']) });
        }
        if (taken > 0) channel.nackAll(true);
        await channel.close();
      } catch {
        /* a missing queue: nothing dead-lettered there */
      }
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  return found;
}

function describe(body: Buffer): Omit<DeadLetter, 'queue' | 'reason'> {
  try {
    const envelope = JSON.parse(body.toString('utf8')) as {
      id?: unknown;
      type?: unknown;
      sagaId?: unknown;
      aggregateId?: unknown;
      data?: { orderId?: unknown };
    };
    const text = (x: unknown) => (typeof x === 'string' ? x : null);
    return {
      eventId: text(envelope.id),
      type: text(envelope.type),
      sagaId: text(envelope.sagaId),
      orderId: text(envelope.data?.orderId) ?? text(envelope.aggregateId),
    };
  } catch {
    return { eventId: null, type: null, sagaId: null, orderId: null };
  }
}

function headerText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return null;
}
