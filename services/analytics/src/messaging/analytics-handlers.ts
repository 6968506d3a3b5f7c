import { dataOf, type DbClient, type EventEnvelope, type EventHandler } from '@frank/kit';
import { instantOf } from '../domain/time-dimension.js';
import { activityOf } from '../domain/user-activity.js';
import { ensureDate, ensureProducts, upsertCustomer } from '../persistence/dimensions.js';
import { noteEvent, recordActivity } from '../persistence/facts.js';
import {
  notificationOutcomeSchema,
  orderCancelledSchema,
  orderConfirmedSchema,
  orderCreatedSchema,
  paymentCompletedSchema,
  scheduleFiredSchema,
  userRegisteredSchema,
} from './consumed-events.js';
import { refreshOnSchedule } from '../persistence/scheduled-refreshes.js';
import { settleOrder } from './settle-order.js';

/** Binding every routing key: the types without a handler of their own are counted only (`otherTypes`). */
export const EVERY_EVENT = '#';

/**
 * A handler for each type of the catalogue. Each notes the event, and the ones that move an order
 * settle it; `factsChanged` is called when sales_fact changed, for the cube refresh. `refreshRule`
 * is the scheduled EventBridge rule whose `schedule.fired` refreshes the cubes.
 */
export function analyticsHandlers(
  factsChanged: () => void,
  options: { refreshRule: string },
): { handlers: Record<string, EventHandler>; otherTypes: EventHandler } {
  const settled = async (client: DbClient, event: EventEnvelope, facts: Parameters<typeof settleOrder>[2]) => {
    if (await settleOrder(client, event, facts)) factsChanged();
  };
  const activity = async (client: DbClient, event: EventEnvelope, userId: string | null | undefined, at: Date) => {
    const kind = activityOf(event.type);
    if (!kind || !userId) return;
    await recordActivity(client, { eventId: event.id, userId, activity: kind, dateKey: await ensureDate(client, at), at });
  };
  const noted =
    (handler: (client: DbClient, event: EventEnvelope, at: Date) => Promise<void>): EventHandler =>
    async (client, event) => {
      const at = instantOf(event.time);
      await noteEvent(client, { id: event.id, type: event.type, at });
      await handler(client, event, at);
    };

  const handlers: Record<string, EventHandler> = {
    'user.registered': noted(async (client, event, at) => {
      const user = dataOf(userRegisteredSchema, event);
      await upsertCustomer(client, { userId: user.userId, email: user.email ?? null, name: user.name ?? null, orderedAt: null });
      await activity(client, event, user.userId, at);
    }),
    'order.created': noted(async (client, event, at) => {
      const order = dataOf(orderCreatedSchema, event);
      await upsertCustomer(client, { userId: order.userId, email: order.customer?.email ?? null, name: order.customer?.name ?? null, orderedAt: at });
      await ensureProducts(
        client,
        order.items.map((item) => item.sku),
      );
      await activity(client, event, order.userId, at);
      await settled(client, event, {
        orderId: order.orderId,
        userId: order.userId,
        lines: order.items,
        totalCents: order.totalCents,
        currency: order.currency,
        orderedAt: at,
        sagaId: event.sagaId,
      });
    }),
    'order.confirmed': noted(async (client, event, at) => {
      const order = dataOf(orderConfirmedSchema, event);
      await activity(client, event, order.userId, at);
      await settled(client, event, { orderId: order.orderId, confirmedAt: at, sagaId: event.sagaId });
    }),
    // payment.completed is the confirmation itself (order.confirmed follows from it): whichever comes first loads.
    'payment.completed': noted(async (client, event, at) => {
      const payment = dataOf(paymentCompletedSchema, event);
      await settled(client, event, { orderId: payment.orderId, confirmedAt: at, sagaId: event.sagaId });
    }),
    'order.cancelled': noted(async (client, event, at) => {
      const order = dataOf(orderCancelledSchema, event);
      await activity(client, event, order.userId, at);
      await settled(client, event, { orderId: order.orderId, cancelledAt: at, sagaId: event.sagaId });
    }),
    'customer.notified': noted(async (client, event, at) => {
      const outcome = dataOf(notificationOutcomeSchema, event);
      await settled(client, event, { orderId: outcome.orderId, notifiedAt: at, sagaId: event.sagaId });
    }),
    'notification.failed': noted(async (client, event, at) => {
      const outcome = dataOf(notificationOutcomeSchema, event);
      await settled(client, event, { orderId: outcome.orderId, notifiedAt: at, sagaId: event.sagaId });
    }),
    'schedule.fired': noted(async (client, event) => {
      const fired = dataOf(scheduleFiredSchema, event);
      if (fired.rule === options.refreshRule) await refreshOnSchedule(client, { eventId: event.id, ...fired });
    }),
  };
  // Every other event (inventory's, a refund, a new service's) is counted in the event facts only.
  return { handlers, otherTypes: noted(async () => undefined) };
}
