import amqplib from 'amqplib';
import { FrankError, errorMessage } from '../errors.js';
import type { SagaEventType } from './saga-events.js';

export interface EventTrigger {
  /** Resolves when the first event of the type passes on frank.events, with its envelope. */
  fired: Promise<{ type: string; aggregateId?: string; sagaId?: string }>;
  close(): Promise<void>;
}

/**
 * Aims a fault at a saga step: a temporary exclusive queue bound to frank.events with the event
 * type as routing key, armed before the load starts, so the first such event of the run fires it.
 * The services' own queues are untouched: the tap gets a copy of each event.
 */
export async function armEventTrigger(amqpUrl: string, type: SagaEventType): Promise<EventTrigger> {
  let connection: amqplib.ChannelModel;
  try {
    connection = await amqplib.connect(amqpUrl, { timeout: 5000 });
  } catch (error) {
    throw new FrankError(`Cannot reach the broker to wait for ${type}: ${errorMessage(error)}`, { hint: 'Check `npx frank status`: is rabbitmq healthy?' });
  }
  let settle: { resolve: (event: { type: string; aggregateId?: string; sagaId?: string }) => void; reject: (error: Error) => void };
  const fired = new Promise<{ type: string; aggregateId?: string; sagaId?: string }>((resolve, reject) => {
    settle = { resolve, reject };
  });
  fired.catch(() => undefined);
  let done = false;
  connection.on('error', () => undefined);
  connection.on('close', () => {
    if (!done) settle.reject(new FrankError(`The broker went away before ${type} passed.`));
  });
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, 'frank.events', type);
  await channel.consume(
    queue,
    (message) => {
      if (!message || done) return;
      done = true;
      let envelope: { type?: string; aggregateId?: string; sagaId?: string } = {};
      try {
        envelope = JSON.parse(message.content.toString('utf8')) as typeof envelope;
      } catch {
        /* the routing key is what counts */
      }
      settle.resolve({ type, aggregateId: envelope.aggregateId, sagaId: envelope.sagaId });
    },
    { noAck: true },
  );
  return {
    fired,
    async close() {
      done = true;
      await connection.close().catch(() => undefined);
    },
  };
}
