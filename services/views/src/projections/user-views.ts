import type { EventEnvelope } from '@frank/kit';
import type { EventData } from '@frank/contracts/events';
import { isNewer, withVersion, type SourceVersions } from './versions.js';

/** user_views.user_orders: one line per order of a user; user_summary is derived from them. */
export interface UserOrder {
  _id: string;
  orderId: string;
  userId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  totalCents: number;
  createdAt: string | null;
  /** The order stream's version last applied to this line. */
  version: number;
}

/** user_views.user_summary: who the user is and the counts and money of their orders. */
export interface UserSummary {
  _id: string;
  userId: string;
  email: string | null;
  name: string | null;
  registeredAt: string | null;
  orderCount: number;
  confirmedCount: number;
  cancelledCount: number;
  totalSpentCents: number;
  lastOrderAt: string | null;
}

export const USER_VIEW_EVENTS = ['user.registered', 'order.created', 'order.confirmed', 'order.cancelled'] as const;

/** The user an event is about. */
export function userIdOf(event: EventEnvelope): string | undefined {
  const data = event.data as { userId?: unknown };
  return typeof data.userId === 'string' ? data.userId : undefined;
}

/**
 * The next user_orders line after an order event, or undefined when it changes nothing. A late
 * order.created only fills in what the line lacks (a cancellation carries no total); it never
 * moves the status back.
 */
export function reduceUserOrder(current: UserOrder | undefined, event: EventEnvelope): UserOrder | undefined {
  const userId = userIdOf(event);
  const data = event.data as { orderId?: string; totalCents?: number };
  if (!userId || typeof data.orderId !== 'string') return undefined;
  if (event.type === 'order.created') {
    if (!current)
      return {
        _id: data.orderId,
        orderId: data.orderId,
        userId,
        status: 'PENDING',
        totalCents: data.totalCents ?? 0,
        createdAt: event.time,
        version: event.version,
      };
    if (current.createdAt !== null) return undefined;
    return { ...current, createdAt: event.time, totalCents: data.totalCents ?? current.totalCents };
  }
  if (event.type !== 'order.confirmed' && event.type !== 'order.cancelled') return undefined;
  if (current && current.version >= event.version) return undefined;
  return {
    _id: data.orderId,
    orderId: data.orderId,
    userId,
    status: event.type === 'order.confirmed' ? 'CONFIRMED' : 'CANCELLED',
    totalCents: data.totalCents ?? current?.totalCents ?? 0,
    createdAt: current?.createdAt ?? null,
    version: event.version,
  };
}

/** A user's summary from their profile and order lines: a function of them alone, so recomputing it is idempotent. */
export function summarizeUser(
  userId: string,
  profile: Pick<UserProfile, 'email' | 'name' | 'registeredAt'> | null,
  orders: Pick<UserOrder, 'status' | 'totalCents' | 'createdAt'>[],
): UserSummary {
  const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
  const created = orders
    .map((o) => o.createdAt)
    .filter((at): at is string => at !== null)
    .sort();
  return {
    _id: userId,
    userId,
    email: profile?.email ?? null,
    name: profile?.name ?? null,
    registeredAt: profile?.registeredAt ?? null,
    orderCount: orders.length,
    confirmedCount: confirmed.length,
    cancelledCount: orders.filter((o) => o.status === 'CANCELLED').length,
    totalSpentCents: confirmed.reduce((sum, o) => sum + o.totalCents, 0),
    lastOrderAt: created.at(-1) ?? null,
  };
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
  const registered = event.data as EventData['user.registered'];
  return {
    _id: registered.userId,
    userId: registered.userId,
    email: registered.email,
    name: registered.name,
    registeredAt: event.time,
    versions: withVersion(current?.versions, event),
  };
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
