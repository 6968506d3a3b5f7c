import type { EventEnvelope } from '@frank/kit';
import { productsGeneration, userGeneration } from '../cache/cache-keys.js';
import type { CacheInvalidator } from '../cache/cache-invalidator.js';
import { INVENTORY_VIEW_EVENTS, reduceReservation, reduceStockLevel, stockDeltaOf, type ReservationView, type StockLevel } from '../projections/inventory-views.js';
import { NOTIFICATION_VIEW_EVENTS, reduceDeliveryStatus, type DeliveryStatus } from '../projections/notification-views.js';
import { historyEntryOf, ORDER_DETAILS_EVENTS, PAYMENT_INFO_EVENTS, reduceOrderDetails, reduceOrderHistory, reducePaymentInfo, type OrderDetails, type OrderHistoryEntry, type PaymentInfo } from '../projections/order-views.js';
import { reduceUserSummary, USER_VIEW_EVENTS, userIdOf, type UserSummary } from '../projections/user-views.js';
import { casUpdate } from '../persistence/cas-update.js';
import type { ViewDatabase, ViewStore } from '../persistence/view-databases.js';

/** A view database's projector: its own queue, the events it reads, and how one event lands in Mongo. */
export interface Projector {
  view: ViewDatabase;
  queue: string;
  events: readonly string[];
  apply(event: EventEnvelope): Promise<void>;
}

/** An event that cannot be applied yet (what it follows has not arrived): requeued with backoff. */
export class NotYetApplicableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotYetApplicableError';
  }
}

export interface ProjectorDeps {
  store: ViewStore;
  cache: CacheInvalidator;
  /** Resolves once the catalogue snapshot is in inventory_views; stock events wait for it. */
  seeded: Promise<void>;
}

export function orderViewsProjector({ store }: ProjectorDeps): Projector {
  const details = store.collection('order_views', 'order_details');
  const history = store.collection('order_views', 'order_history');
  const payments = store.collection('order_views', 'payment_info');
  return {
    view: 'order_views',
    queue: 'views.order-views',
    events: [...ORDER_DETAILS_EVENTS, ...PAYMENT_INFO_EVENTS],
    async apply(event) {
      const orderId = String((event.data as { orderId?: unknown }).orderId ?? event.aggregateId);
      if ((PAYMENT_INFO_EVENTS as readonly string[]).includes(event.type)) {
        await casUpdate<PaymentInfo>(payments, orderId, (current) => reducePaymentInfo(current, event));
        return;
      }
      const written = await casUpdate<OrderDetails>(details, orderId, (current) => reduceOrderDetails(current, event));
      // A redelivery after a crash between the two writes finds details unchanged: derive the line from what is stored.
      const latest = written ?? (await latestDetails(details, orderId));
      if (latest) {
        const entry = historyEntryOf(latest.doc, latest.rev);
        await casUpdate<OrderHistoryEntry>(history, orderId, (current) => reduceOrderHistory(current, entry));
      }
    },
  };
}

async function latestDetails(details: ReturnType<ViewStore['collection']>, orderId: string): Promise<{ doc: OrderDetails; rev: number } | undefined> {
  const stored = (await details.findOne({ _id: orderId } as never)) as (OrderDetails & { rev: number }) | null;
  return stored ? { doc: stored, rev: stored.rev } : undefined;
}

export function inventoryViewsProjector({ store, cache, seeded }: ProjectorDeps): Projector {
  const stock = store.collection('inventory_views', 'stock_levels');
  const reservations = store.collection('inventory_views', 'reservations');
  return {
    view: 'inventory_views',
    queue: 'views.inventory-views',
    events: INVENTORY_VIEW_EVENTS,
    async apply(event) {
      await seeded;
      const orderId = String((event.data as { orderId?: unknown }).orderId ?? event.aggregateId);
      let lines: { sku: string; qty: number }[];
      if (event.type === 'inventory.reserved') {
        lines = (event.data as { items: { sku: string; qty: number }[] }).items;
        await casUpdate<ReservationView>(reservations, orderId, (current) => reduceReservation(current, event));
      } else {
        const reservation = (await reservations.findOne({ _id: orderId } as never)) as ReservationView | null;
        if (!reservation) throw new NotYetApplicableError(`${event.type} for order ${orderId} before its inventory.reserved`);
        lines = reservation.items;
        await casUpdate<ReservationView>(reservations, orderId, (current) => reduceReservation(current, event));
      }
      // Each sku's document remembers the events applied to it, so a redelivery after a partial write finishes the rest only.
      for (const line of lines) {
        const delta = stockDeltaOf(event.type, line.qty);
        if (delta) await casUpdate<StockLevel>(stock, line.sku, (current) => reduceStockLevel(current, line.sku, event, delta));
      }
      // Always, even when nothing changed: a redelivery after a failed invalidation must still invalidate.
      await cache.invalidate([productsGeneration], 'stock_levels');
    },
  };
}

export function userViewsProjector({ store, cache }: ProjectorDeps): Projector {
  const summaries = store.collection('user_views', 'user_summary');
  return {
    view: 'user_views',
    queue: 'views.user-views',
    events: USER_VIEW_EVENTS,
    async apply(event) {
      const userId = userIdOf(event);
      if (!userId) return;
      await casUpdate<UserSummary>(summaries, userId, (current) => reduceUserSummary(current, event));
      await cache.invalidate([userGeneration(userId)], 'user_summary');
    },
  };
}

export function notificationViewsProjector({ store }: ProjectorDeps): Projector {
  const deliveries = store.collection('notification_views', 'delivery_status');
  return {
    view: 'notification_views',
    queue: 'views.notification-views',
    events: NOTIFICATION_VIEW_EVENTS,
    async apply(event) {
      const deliveryId = (event.data as { deliveryId?: unknown }).deliveryId;
      if (typeof deliveryId !== 'string') return;
      await casUpdate<DeliveryStatus>(deliveries, deliveryId, (current) => reduceDeliveryStatus(current, event));
    },
  };
}

export function allProjectors(deps: ProjectorDeps): Projector[] {
  return [orderViewsProjector(deps), inventoryViewsProjector(deps), userViewsProjector(deps), notificationViewsProjector(deps)];
}
