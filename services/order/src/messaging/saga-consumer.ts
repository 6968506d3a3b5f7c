import {
  appendEvent,
  consumeEvents,
  PoisonMessageError,
  type AmqpConnection,
  type DbClient,
  type EventEnvelope,
  type EventHandler,
  type Logger,
  type Pool,
} from '@frank/kit';
import { consumedEvents, type OrderCancelled, type OrderConfirmed } from '../domain/events.js';
import { sagaTransition, type SagaEvent, type SagaEventType } from '../domain/saga-transition.js';
import { lockOrder, updateOrderStatus } from '../persistence/order-repository.js';
import { advanceSaga } from '../persistence/saga-repository.js';

export const SAGA_QUEUE = 'order.saga';

/** Thrown for an event that overtook its predecessor: the kit requeues it and it comes back shortly. */
export class EventArrivedEarlyError extends Error {
  constructor(event: EventEnvelope, why: string) {
    super(`${event.type} for order ${event.aggregateId} arrived early (${why}); retrying`);
    this.name = 'EventArrivedEarlyError';
  }
}

/**
 * One saga step: lock the order, ask the transition table, apply what it says, all in the inbox's
 * transaction. `paymentAnswered` hears how long a reserved order waited for payment's answer
 * (admission.ts).
 */
export async function applySagaEvent(client: DbClient, envelope: EventEnvelope, log: Logger, paymentAnswered?: (latencyMs: number) => void): Promise<void> {
  const type = envelope.type as SagaEventType;
  const parsed = consumedEvents[type]?.safeParse(envelope.data);
  if (!parsed) throw new PoisonMessageError(`order does not handle ${envelope.type}`);
  if (!parsed.success)
    throw new PoisonMessageError(`${type} data does not parse: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, {
      eventId: envelope.id,
    });
  const { orderId } = parsed.data;
  const event = { ...parsed.data, type } as SagaEvent;

  const order = await lockOrder(client, orderId);
  if (!order) {
    log.warn('event for an unknown order ignored', { type, orderId, eventId: envelope.id });
    return;
  }
  const transition = sagaTransition(order, event);
  if (transition.kind === 'ignore') {
    log.info('event does not apply; ignored', { type, orderId, status: order.status, why: transition.why, eventId: envelope.id });
    return;
  }
  if (transition.kind === 'too-early') throw new EventArrivedEarlyError(envelope, transition.why);

  await updateOrderStatus(client, order.id, transition.status, transition.cancelReason);
  // RESERVED since payment opened its payment (both consume inventory.reserved): the time its deadline counts.
  if (order.status === 'RESERVED' && transition.status !== 'RESERVED') paymentAnswered?.(order.inStatusMs);
  await advanceSaga(client, order.sagaId, type, transition.sagaStatus);
  const common = { source: 'order', aggregateType: 'order', aggregateId: order.id, sagaId: order.sagaId, causedBy: envelope };
  if (transition.publish === 'order.confirmed') {
    await appendEvent<OrderConfirmed>(client, {
      ...common,
      type: 'order.confirmed',
      data: { orderId: order.id, userId: order.userId, totalCents: order.totalCents },
    });
  } else if (transition.publish === 'order.cancelled') {
    await appendEvent<OrderCancelled>(client, {
      ...common,
      type: 'order.cancelled',
      data: { orderId: order.id, userId: order.userId, reason: transition.cancelReason ?? 'unknown' },
    });
  }
  log.info('saga moved', { orderId, type, status: transition.status, sagaStatus: transition.sagaStatus });
}

/** Saga step 6: order-service's queue, bound to every event that moves an order. */
export async function consumeSagaEvents(options: {
  amqp: AmqpConnection;
  pool: Pool;
  log: Logger;
  paymentAnswered?: (latencyMs: number) => void;
}): Promise<void> {
  const handler: EventHandler = (client, envelope) => applySagaEvent(client, envelope, options.log, options.paymentAnswered);
  const handlers = Object.fromEntries(Object.keys(consumedEvents).map((type) => [type, handler]));
  await consumeEvents({ ...options, queue: SAGA_QUEUE, handlers });
}
