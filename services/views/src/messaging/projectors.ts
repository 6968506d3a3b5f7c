import { errorFields, type EventEnvelope, type Logger } from '@frank/kit';
import { productsGeneration, userGeneration } from '@frank/contracts/cache-keys';
import type { CacheInvalidator } from '../cache/cache-invalidator.js';
import type { EventData } from '@frank/contracts/events';
import {
  INVENTORY_VIEW_EVENTS,
  reduceReservation,
  reduceStockLevel,
  stockDeltaOf,
  type ReservationView,
  type StockLevel,
} from '../projections/inventory-views.js';
import { deliveryFigures, NOTIFICATION_VIEW_EVENTS, reduceDeliveryStatus, type DeliveryGroup, type DeliveryStatus } from '../projections/notification-views.js';
import {
  historyEntryOf,
  ORDER_DETAILS_EVENTS,
  PAYMENT_INFO_EVENTS,
  reduceOrderDetails,
  reducePaymentInfo,
  type OrderDetails,
  type PaymentInfo,
} from '../projections/order-views.js';
import {
  reduceUserActivity,
  reduceUserOrder,
  reduceUserProfile,
  summarizeUser,
  USER_VIEW_EVENTS,
  userIdOf,
  type UserActivity,
  type UserOrder,
  type UserProfile,
} from '../projections/user-views.js';
import { Coalesced } from './coalesced.js';
import { PRODUCT_IMAGE_EVENTS, reduceProductImages, type ProductWithImages } from '../projections/product-images.js';
import { casUpdate, readDocument } from '../persistence/cas-update.js';
import type { ViewDatabase, ViewStore } from '../persistence/view-databases.js';

/** A view database's projector: its own queue, the events it reads, and how one event lands in Mongo. */
export interface Projector {
  view: ViewDatabase;
  queue: string;
  events: readonly string[];
  apply(event: EventEnvelope): Promise<void>;
  /** Recomputes what is derived from the projected documents rather than from one event; runs after a rebuild's replay. */
  refresh?(): Promise<void>;
  /** Drops the derived writes still scheduled: the service is stopping (`refresh` at the next start catches up). */
  stop?(): void;
  /** Forgets what it mirrors in memory: a rebuild replaced its collections. */
  forget?(): void;
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
  /** How long derived documents (user summaries, delivery figures) wait to be recomputed after an event; null: only when `refresh` is called. */
  derivedDelayMs?: number | null;
  /** How long a changed document waits to be written with the changes that follow it (see casUpdate); 0 at once. */
  writeBehindMs?: number;
  log?: Logger;
}

const DERIVED_DELAY_MS = 250;
const WRITE_BEHIND_MS = 200;

export function orderViewsProjector({ store, derivedDelayMs = DERIVED_DELAY_MS, log, writeBehindMs = WRITE_BEHIND_MS }: ProjectorDeps): Projector {
  const details = store.collection('order_views', 'order_details');
  const history = store.collection('order_views', 'order_history');
  const payments = store.collection('order_views', 'payment_info');
  // order_history is derived from order_details: written once for the events of a moment, not per event.
  const writeHistory = async (orderId: string) => {
    const doc = await readDocument<OrderDetails>(details, orderId);
    if (doc) await history.replaceOne({ _id: orderId } as never, historyEntryOf(doc), { upsert: true });
  };
  const pending = new Coalesced(derivedDelayMs ?? 0, writeHistory, (orderId, error) =>
    log?.warn('order history not written; tried again shortly', { orderId, ...errorFields(error) }),
  );
  return {
    view: 'order_views',
    queue: 'views.order-views',
    events: [...ORDER_DETAILS_EVENTS, ...PAYMENT_INFO_EVENTS],
    async apply(event) {
      const orderId = String((event.data as { orderId?: unknown }).orderId ?? event.aggregateId);
      if ((PAYMENT_INFO_EVENTS as readonly string[]).includes(event.type)) {
        await casUpdate<PaymentInfo>(payments, orderId, (current) => reducePaymentInfo(current, event), { writeBehindMs });
        return;
      }
      await casUpdate<OrderDetails>(details, orderId, (current) => reduceOrderDetails(current, event), { writeBehindMs });
      // Even when nothing changed: a redelivery after a crash before the history was written writes it.
      if (derivedDelayMs !== null) pending.schedule(orderId);
    },
    stop: () => pending.stop(),
    async refresh() {
      // The lines that differ from their order_details (a crash between the two, or a rebuild).
      const lines = new Map(
        (await history.find({}, { projection: { updatedAt: 1, status: 1 } }).toArray()).map((h) => [
          String(h._id),
          `${String(h.updatedAt)}/${String(h.status)}`,
        ]),
      );
      for await (const doc of details.find({}, { projection: { _id: 1, updatedAt: 1, status: 1 } })) {
        if (lines.get(String(doc._id)) !== `${String(doc.updatedAt)}/${String(doc.status)}`) await writeHistory(String(doc._id));
      }
    },
  };
}

export function inventoryViewsProjector({ store, cache, seeded, writeBehindMs = WRITE_BEHIND_MS }: ProjectorDeps): Projector {
  const stock = store.collection('inventory_views', 'stock_levels');
  const reservations = store.collection('inventory_views', 'reservations');
  const products = store.collection('inventory_views', 'product_list');
  return {
    view: 'inventory_views',
    queue: 'views.inventory-views',
    events: [...INVENTORY_VIEW_EVENTS, ...PRODUCT_IMAGE_EVENTS],
    async apply(event) {
      await seeded;
      if (event.type === 'product.image-ready') {
        await casUpdate<ProductWithImages>(products, event.aggregateId, (current) => reduceProductImages(current, event), { writeBehindMs });
        await cache.invalidate([productsGeneration], 'product_list');
        return;
      }
      const orderId = String((event.data as { orderId?: unknown }).orderId ?? event.aggregateId);
      let lines: { sku: string; qty: number }[];
      if (event.type === 'inventory.stock-adjusted') {
        const adjusted = event.data as EventData['inventory.stock-adjusted'];
        lines = [{ sku: adjusted.sku, qty: adjusted.delta }];
      } else if (event.type === 'inventory.reserved') {
        lines = (event.data as { items: { sku: string; qty: number }[] }).items;
        await casUpdate<ReservationView>(reservations, orderId, (current) => reduceReservation(current, event), { writeBehindMs });
      } else {
        const reservation = await readDocument<ReservationView>(reservations, orderId);
        if (!reservation) throw new NotYetApplicableError(`${event.type} for order ${orderId} before its inventory.reserved`);
        lines = reservation.items;
        await casUpdate<ReservationView>(reservations, orderId, (current) => reduceReservation(current, event), { writeBehindMs });
      }
      // Each sku's document remembers the events applied to it, so a redelivery after a partial write finishes the rest only.
      for (const line of lines) {
        const delta = stockDeltaOf(event.type, line.qty);
        if (delta) await casUpdate<StockLevel>(stock, line.sku, (current) => reduceStockLevel(current, line.sku, event, delta), { writeBehindMs });
      }
      // Always, even when nothing changed: a redelivery after a failed invalidation must still invalidate.
      await cache.invalidate([productsGeneration], 'stock_levels');
    },
  };
}

export function userViewsProjector({ store, cache, derivedDelayMs = DERIVED_DELAY_MS, log, writeBehindMs = WRITE_BEHIND_MS }: ProjectorDeps): Projector {
  const orders = store.collection('user_views', 'user_orders');
  const summaries = store.collection('user_views', 'user_summary');
  const profiles = store.collection('user_views', 'user_profile');
  const activities = store.collection('user_views', 'user_activity');
  // Each user's order lines, mirrored in memory: a summary is recomputed from them without a query
  // by userId, which FerretDB answers by reading the whole collection. Loaded once per user;
  // what this process writes is newer than what the load read.
  const mirror = new Map<string, { loaded: boolean; lines: Map<string, UserOrder> }>();
  const entryOf = (userId: string) => {
    let entry = mirror.get(userId);
    if (!entry) mirror.set(userId, (entry = { loaded: false, lines: new Map() }));
    return entry;
  };
  const linesOf = async (userId: string): Promise<UserOrder[]> => {
    const entry = entryOf(userId);
    if (!entry.loaded) {
      const stored = (await orders.find({ userId }).toArray()) as unknown as UserOrder[];
      for (const line of stored) if (!entry.lines.has(line.orderId)) entry.lines.set(line.orderId, line);
      entry.loaded = true;
    }
    return [...entry.lines.values()];
  };
  const summarize = async (userId: string) => {
    const profile = (await readDocument<UserProfile>(profiles, userId)) ?? null;
    await summaries.replaceOne({ _id: userId } as never, summarizeUser(userId, profile, await linesOf(userId)), { upsert: true });
    await cache.invalidate([userGeneration(userId)], 'user_summary');
  };
  // A summary counts all of a user's orders: recomputed a moment after their events, not per event.
  const pending = new Coalesced(derivedDelayMs ?? 0, summarize, (userId, error) =>
    log?.warn('user summary not recomputed; tried again shortly', { userId, ...errorFields(error) }),
  );
  return {
    view: 'user_views',
    queue: 'views.user-views',
    events: USER_VIEW_EVENTS,
    async apply(event) {
      const userId = userIdOf(event);
      if (!userId) return;
      if (event.type === 'user.registered') await casUpdate<UserProfile>(profiles, userId, (current) => reduceUserProfile(current, event), { writeBehindMs });
      else {
        const written = await casUpdate<UserOrder>(
          orders,
          String((event.data as { orderId?: unknown }).orderId),
          (current) => reduceUserOrder(current, event),
          { writeBehindMs },
        );
        if (written) entryOf(userId).lines.set(written.doc.orderId, written.doc);
      }
      await casUpdate<UserActivity>(activities, userId, (current) => reduceUserActivity(current, event), { writeBehindMs });
      if (derivedDelayMs !== null) pending.schedule(userId);
    },
    stop: () => pending.stop(),
    forget: () => mirror.clear(),
    async refresh() {
      const users = new Set([...(await orders.distinct('userId')), ...(await profiles.distinct('_id'))].map(String));
      for (const userId of users) await summarize(userId);
      await summaries.deleteMany({ _id: { $nin: [...users] } } as never);
    },
  };
}

export function notificationViewsProjector({ store, derivedDelayMs = DERIVED_DELAY_MS, log, writeBehindMs = WRITE_BEHIND_MS }: ProjectorDeps): Projector {
  const deliveries = store.collection('notification_views', 'delivery_status');
  const channels = store.collection('notification_views', 'channel_performance');
  const templates = store.collection('notification_views', 'template_usage');
  // channel_performance and template_usage are recomputed from delivery_status (counting per
  // event could not tell a redelivery from a new delivery), mirrored in memory: a $group is a
  // scan of the whole collection on FerretDB. Loaded once; this process's writes are newer.
  let loaded = false;
  const mirror = new Map<string, Pick<DeliveryStatus, 'channel' | 'template' | 'status' | 'attempts'>>();
  const refresh = async () => {
    if (!loaded) {
      for (const doc of (await deliveries.find({}).toArray()) as unknown as DeliveryStatus[]) if (!mirror.has(doc.deliveryId)) mirror.set(doc.deliveryId, doc);
      loaded = true;
    }
    const groups = new Map<string, DeliveryGroup>();
    for (const d of mirror.values()) {
      const template = d.template ?? 'unknown';
      const key = `${d.channel}\u0000${template}\u0000${d.status}`;
      const group = groups.get(key) ?? { channel: d.channel, template, status: d.status, deliveries: 0, attempts: 0 };
      group.deliveries++;
      group.attempts += d.attempts;
      groups.set(key, group);
    }
    const figures = deliveryFigures([...groups.values()]);
    await replaceAll(channels, figures.channels);
    await replaceAll(templates, figures.templates);
  };
  const pending = new Coalesced(derivedDelayMs ?? 0, refresh, (_key, error) =>
    log?.warn('delivery figures not recomputed; tried again shortly', errorFields(error)),
  );
  return {
    view: 'notification_views',
    queue: 'views.notification-views',
    events: NOTIFICATION_VIEW_EVENTS,
    async apply(event) {
      const deliveryId = (event.data as { deliveryId?: unknown }).deliveryId;
      if (typeof deliveryId !== 'string') return;
      const written = await casUpdate<DeliveryStatus>(deliveries, deliveryId, (current) => reduceDeliveryStatus(current, event), { writeBehindMs });
      if (written) mirror.set(deliveryId, written.doc);
      if (derivedDelayMs !== null) pending.schedule('figures');
    },
    refresh,
    stop: () => pending.stop(),
    forget: () => {
      mirror.clear();
      loaded = false;
    },
  };
}

/** Replaces a small derived collection's documents by these (the ones no longer derived go). */
async function replaceAll(collection: ReturnType<ViewStore['collection']>, docs: { _id: string }[]): Promise<void> {
  for (const doc of docs) await collection.replaceOne({ _id: doc._id } as never, doc, { upsert: true });
  await collection.deleteMany({ _id: { $nin: docs.map((d) => d._id) } } as never);
}

export function allProjectors(deps: ProjectorDeps): Projector[] {
  return [orderViewsProjector(deps), inventoryViewsProjector(deps), userViewsProjector(deps), notificationViewsProjector(deps)];
}
