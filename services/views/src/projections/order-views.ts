import type { EventEnvelope } from '@frank/kit';
import type { EventData, Line } from '@frank/contracts/events';
import { isNewer, withVersion, type SourceVersions } from './versions.js';

/** order_views.order_details: one order as the storefront shows it, from order and inventory events. */
export interface OrderDetails {
  _id: string;
  orderId: string;
  userId: string | null;
  customer: EventData['order.created']['customer'] | null;
  items: (Line & { priceCents: number })[] | null;
  totalCents: number | null;
  currency: string | null;
  createdAt: string | null;
  /** From order-service's events only: PENDING, CONFIRMED or CANCELLED. */
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | null;
  cancelReason: string | null;
  reservation: { status: 'RESERVED' | 'FAILED' | 'RELEASED' | 'COMMITTED'; reservationId: string | null; reason: string | null; sku: string | null } | null;
  versions: SourceVersions;
  updatedAt: string;
}

/** order_views.order_history: one line per order, found by user. */
export interface OrderHistoryEntry {
  _id: string;
  orderId: string;
  userId: string | null;
  status: OrderDetails['status'];
  totalCents: number | null;
  itemCount: number;
  createdAt: string | null;
  updatedAt: string;
}

/** order_views.payment_info: the payment of an order. */
export interface PaymentInfo {
  _id: string;
  orderId: string;
  paymentId: string;
  status: 'COMPLETED' | 'FAILED' | 'REFUNDED';
  amountCents: number;
  refundedCents: number;
  reason: string | null;
  versions: SourceVersions;
  updatedAt: string;
}

export const ORDER_DETAILS_EVENTS = [
  'order.created',
  'order.confirmed',
  'order.cancelled',
  'inventory.reserved',
  'inventory.reservation-failed',
  'inventory.released',
  'inventory.committed',
] as const;
export const PAYMENT_INFO_EVENTS = ['payment.completed', 'payment.failed', 'payment.refunded'] as const;

function emptyDetails(orderId: string, time: string): OrderDetails {
  return {
    _id: orderId,
    orderId,
    userId: null,
    customer: null,
    items: null,
    totalCents: null,
    currency: null,
    createdAt: null,
    status: null,
    cancelReason: null,
    reservation: null,
    versions: {},
    updatedAt: time,
  };
}

/**
 * The next order_details document after an event, or undefined when it changes nothing. An event
 * at or below the version already applied from its source changes no state; a late order.created
 * still fills in the facts (lines, customer, total) that nothing else carries, never the status.
 */
export function reduceOrderDetails(current: OrderDetails | undefined, event: EventEnvelope): OrderDetails | undefined {
  const data = event.data as Record<string, unknown>;
  const orderId = String(data.orderId ?? event.aggregateId);
  const doc: OrderDetails = current ? { ...current } : emptyDetails(orderId, event.time);
  const newer = isNewer(doc.versions, event);
  let changed = false;

  if (event.type === 'order.created') {
    const created = event.data as EventData['order.created'];
    if (doc.items === null) {
      Object.assign(doc, {
        userId: created.userId,
        customer: created.customer,
        items: created.items,
        totalCents: created.totalCents,
        currency: created.currency,
        createdAt: event.time,
      });
      changed = true;
    }
    if (newer && doc.status === null) {
      doc.status = 'PENDING';
      changed = true;
    }
  } else if (newer) {
    changed = true;
    switch (event.type) {
      case 'order.confirmed': {
        const confirmed = event.data as EventData['order.confirmed'];
        Object.assign(doc, { status: 'CONFIRMED', userId: doc.userId ?? confirmed.userId, totalCents: doc.totalCents ?? confirmed.totalCents });
        break;
      }
      case 'order.cancelled': {
        const cancelled = event.data as EventData['order.cancelled'];
        Object.assign(doc, { status: 'CANCELLED', cancelReason: cancelled.reason, userId: doc.userId ?? cancelled.userId });
        break;
      }
      case 'inventory.reserved':
        doc.reservation = { status: 'RESERVED', reservationId: (event.data as EventData['inventory.reserved']).reservationId, reason: null, sku: null };
        break;
      case 'inventory.reservation-failed': {
        const failed = event.data as EventData['inventory.reservation-failed'];
        doc.reservation = { status: 'FAILED', reservationId: null, reason: failed.reason, sku: failed.sku };
        break;
      }
      case 'inventory.released':
      case 'inventory.committed':
        doc.reservation = {
          status: event.type === 'inventory.released' ? 'RELEASED' : 'COMMITTED',
          reservationId: (event.data as EventData['inventory.released']).reservationId,
          reason: null,
          sku: null,
        };
        break;
      default:
        changed = false;
    }
  }
  if (!changed) return undefined;
  if (newer) doc.versions = withVersion(doc.versions, event);
  if (event.time > doc.updatedAt) doc.updatedAt = event.time;
  return doc;
}

/** The order_history line of an order_details document. */
export function historyEntryOf(details: OrderDetails): OrderHistoryEntry {
  return {
    _id: details.orderId,
    orderId: details.orderId,
    userId: details.userId,
    status: details.status,
    totalCents: details.totalCents,
    itemCount: details.items?.reduce((n, line) => n + line.qty, 0) ?? 0,
    createdAt: details.createdAt,
    updatedAt: details.updatedAt,
  };
}

/**
 * The next payment_info document: completed, failed and refunded in the payment stream's version
 * order; a refund after a late success adds to refundedCents once.
 */
export function reducePaymentInfo(current: PaymentInfo | undefined, event: EventEnvelope): PaymentInfo | undefined {
  if (current && !isNewer(current.versions, event)) return undefined;
  const base = (paymentId: string): PaymentInfo =>
    current ?? {
      _id: event.aggregateId,
      orderId: event.aggregateId,
      paymentId,
      status: 'FAILED',
      amountCents: 0,
      refundedCents: 0,
      reason: null,
      versions: {},
      updatedAt: event.time,
    };
  let doc: PaymentInfo;
  switch (event.type) {
    case 'payment.completed': {
      const completed = event.data as EventData['payment.completed'];
      doc = {
        ...base(completed.paymentId),
        _id: completed.orderId,
        orderId: completed.orderId,
        paymentId: completed.paymentId,
        status: 'COMPLETED',
        amountCents: completed.amountCents,
        reason: null,
      };
      break;
    }
    case 'payment.failed': {
      const failed = event.data as EventData['payment.failed'];
      doc = { ...base(failed.paymentId), _id: failed.orderId, orderId: failed.orderId, paymentId: failed.paymentId, status: 'FAILED', reason: failed.reason };
      break;
    }
    case 'payment.refunded': {
      const refunded = event.data as EventData['payment.refunded'];
      const before = base(refunded.paymentId);
      doc = {
        ...before,
        _id: refunded.orderId,
        orderId: refunded.orderId,
        paymentId: refunded.paymentId,
        status: 'REFUNDED',
        refundedCents: before.refundedCents + refunded.amountCents,
        reason: refunded.reason,
      };
      break;
    }
    default:
      return undefined;
  }
  doc.versions = withVersion(current?.versions, event);
  doc.updatedAt = current && current.updatedAt > event.time ? current.updatedAt : event.time;
  return doc;
}
