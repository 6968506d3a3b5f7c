import type { EventEnvelope } from '@frank/kit';
import type { ConsumedEventData } from '../messaging/consumed-events.js';
import { isNewer, withVersion, type SourceVersions } from './versions.js';

/** notification_views.delivery_status: the outcome of one delivery to a customer. */
export interface DeliveryStatus {
  _id: string;
  deliveryId: string;
  orderId: string;
  channel: string;
  status: 'SENT' | 'FAILED';
  attempts: number;
  reason: string | null;
  versions: SourceVersions;
  updatedAt: string;
}

export const NOTIFICATION_VIEW_EVENTS = ['customer.notified', 'notification.failed'] as const;

export function reduceDeliveryStatus(current: DeliveryStatus | undefined, event: EventEnvelope): DeliveryStatus | undefined {
  if (event.type !== 'customer.notified' && event.type !== 'notification.failed') return undefined;
  if (current && !isNewer(current.versions, event)) return undefined;
  const data = event.data as ConsumedEventData['notification.failed'];
  return {
    _id: data.deliveryId,
    deliveryId: data.deliveryId,
    orderId: data.orderId,
    channel: data.channel,
    status: event.type === 'customer.notified' ? 'SENT' : 'FAILED',
    attempts: data.attempts,
    reason: event.type === 'notification.failed' ? data.reason : null,
    versions: withVersion(current?.versions, event),
    updatedAt: event.time,
  };
}
