import { appendEvent, consumeEvents, dataOf, type AmqpConnection, type EventHandler, type Logger, type Pool } from '@frank/kit';
import { z } from 'zod';
import { AFTER, EMITS, SAGA_QUEUE, type StepDone } from '../domain/events.js';

/** Only the field it uses; data without it is poison (dead-lettered), never retried. */
const afterData = z.object({ orderId: z.string().min(1) });

/**
 * {{after}} → one saga_steps row and {{emits}}, in the transaction that records the message in the
 * inbox: a duplicate delivery changes nothing, and the event leaves through the outbox.
 */
export const takeStep: EventHandler = async (client, event) => {
  const { orderId } = dataOf(afterData, event);
  const { rowCount } = await client.query('INSERT INTO {{schema}}.saga_steps (order_id, caused_by) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING', [orderId, event.id]);
  if (rowCount === 0) return;
  await appendEvent<StepDone>(client, { type: EMITS, source: '{{name}}', aggregateType: 'order', aggregateId: orderId, causedBy: event, data: { orderId } });
};

export function startSagaStep(options: { amqp: AmqpConnection; pool: Pool; log: Logger }): Promise<void> {
  return consumeEvents({ ...options, queue: SAGA_QUEUE, handlers: { [AFTER]: takeStep } });
}
