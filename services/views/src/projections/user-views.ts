import type { EventEnvelope } from '@frank/kit';
import type { ConsumedEventData } from '../messaging/consumed-events.js';
import { isNewer, withVersion, type SourceVersions } from './versions.js';

export interface UserOrderLine {
  orderId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  totalCents: number;
  createdAt: string | null;
  /** The order stream's version last applied to this line. */
  version: number;
}

/** user_views.user_summary: who the user is and what they ordered; the counts follow from `orders`. */
export interface UserSummary {
  _id: string;
  userId: string;
  email: string | null;
  name: string | null;
  registeredAt: string | null;
  orders: UserOrderLine[];
  orderCount: number;
  confirmedCount: number;
  cancelledCount: number;
  totalSpentCents: number;
  versions: SourceVersions;
  updatedAt: string;
}

export const USER_VIEW_EVENTS = ['user.registered', 'order.created', 'order.confirmed', 'order.cancelled'] as const;

/** The user an event is about. */
export function userIdOf(event: EventEnvelope): string | undefined {
  const data = event.data as { userId?: unknown };
  return typeof data.userId === 'string' ? data.userId : undefined;
}

function withCounts(summary: UserSummary): UserSummary {
  const confirmed = summary.orders.filter((o) => o.status === 'CONFIRMED');
  return {
    ...summary,
    orderCount: summary.orders.length,
    confirmedCount: confirmed.length,
    cancelledCount: summary.orders.filter((o) => o.status === 'CANCELLED').length,
    totalSpentCents: confirmed.reduce((sum, o) => sum + o.totalCents, 0),
  };
}

export function reduceUserSummary(current: UserSummary | undefined, event: EventEnvelope): UserSummary | undefined {
  const userId = userIdOf(event);
  if (!userId) return undefined;
  const doc: UserSummary = current ?? { _id: userId, userId, email: null, name: null, registeredAt: null, orders: [], orderCount: 0, confirmedCount: 0, cancelledCount: 0, totalSpentCents: 0, versions: {}, updatedAt: event.time };
  const touched = (next: UserSummary) => withCounts({ ...next, updatedAt: event.time > doc.updatedAt ? event.time : doc.updatedAt });

  if (event.type === 'user.registered') {
    if (!isNewer(doc.versions, event)) return undefined;
    const registered = event.data as ConsumedEventData['user.registered'];
    return touched({ ...doc, email: registered.email, name: registered.name, registeredAt: event.time, versions: withVersion(doc.versions, event) });
  }

  const data = event.data as { orderId: string; totalCents?: number };
  const existing = doc.orders.find((o) => o.orderId === data.orderId);
  let line: UserOrderLine;
  if (event.type === 'order.created') {
    if (existing) {
      // A late order.created only fills in what the line lacks; it never moves the status back.
      if (existing.createdAt !== null) return undefined;
      line = { ...existing, createdAt: event.time };
    } else {
      line = { orderId: data.orderId, status: 'PENDING', totalCents: data.totalCents ?? 0, createdAt: event.time, version: event.version };
    }
  } else if (event.type === 'order.confirmed' || event.type === 'order.cancelled') {
    if (existing && existing.version >= event.version) return undefined;
    line = {
      orderId: data.orderId,
      status: event.type === 'order.confirmed' ? 'CONFIRMED' : 'CANCELLED',
      totalCents: data.totalCents ?? existing?.totalCents ?? 0,
      createdAt: existing?.createdAt ?? null,
      version: event.version,
    };
  } else {
    return undefined;
  }
  const orders = existing ? doc.orders.map((o) => (o.orderId === line.orderId ? line : o)) : [...doc.orders, line];
  return touched({ ...doc, orders });
}
