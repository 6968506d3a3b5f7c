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
      // A late order.created only fills in what the line lacks (a cancellation carries no total); it never moves the status back.
      if (existing.createdAt !== null) return undefined;
      line = { ...existing, createdAt: event.time, totalCents: data.totalCents ?? existing.totalCents };
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
  return touched({ ...doc, orders: orders.sort(byCreation) });
}

/** Oldest first, whatever order the events came in: a rebuild writes the same document as the live projection. */
function byCreation(a: UserOrderLine, b: UserOrderLine): number {
  return (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.orderId.localeCompare(b.orderId);
}

/** user_views.user_profile: who the user is, from user-service's user.registered. */
export interface UserProfile {
  _id: string;
  userId: string;
  email: string;
  name: string;
  registeredAt: string;
  versions: SourceVersions;
}

export function reduceUserProfile(current: UserProfile | undefined, event: EventEnvelope): UserProfile | undefined {
  if (event.type !== 'user.registered' || !isNewer(current?.versions, event)) return undefined;
  const registered = event.data as ConsumedEventData['user.registered'];
  return { _id: registered.userId, userId: registered.userId, email: registered.email, name: registered.name, registeredAt: event.time, versions: withVersion(current?.versions, event) };
}

export interface ActivityEntry {
  eventId: string;
  type: string;
  orderId: string | null;
  at: string;
}

/** user_views.user_activity: a user's latest doings, newest first, at most ACTIVITY_KEPT of them. */
export interface UserActivity {
  _id: string;
  userId: string;
  firstSeenAt: string;
  lastActiveAt: string;
  activity: ActivityEntry[];
}

export const ACTIVITY_KEPT = 100;

export function reduceUserActivity(current: UserActivity | undefined, event: EventEnvelope): UserActivity | undefined {
  const userId = userIdOf(event);
  if (!userId || current?.activity.some((entry) => entry.eventId === event.id)) return undefined;
  const orderId = (event.data as { orderId?: unknown }).orderId;
  const entry: ActivityEntry = { eventId: event.id, type: event.type, orderId: typeof orderId === 'string' ? orderId : null, at: event.time };
  // The newest ACTIVITY_KEPT by time, ties by id: the same list whichever order the events arrive in.
  const activity = [...(current?.activity ?? []), entry].sort((a, b) => b.at.localeCompare(a.at) || a.eventId.localeCompare(b.eventId)).slice(0, ACTIVITY_KEPT);
  const firstSeenAt = current && current.firstSeenAt <= event.time ? current.firstSeenAt : event.time;
  if (current && !activity.includes(entry) && firstSeenAt === current.firstSeenAt) return undefined;
  return { _id: userId, userId, firstSeenAt, lastActiveAt: current && current.lastActiveAt > event.time ? current.lastActiveAt : event.time, activity };
}
