import type { EventEnvelope } from '@frank/kit';
import type { EventData } from '@frank/contracts/events';
import { isNewer, withVersion, type SourceVersions } from './versions.js';

/** notification_views.delivery_status: the outcome of one delivery to a customer. */
export interface DeliveryStatus {
  _id: string;
  deliveryId: string;
  orderId: string;
  channel: string;
  template: string;
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
  const data = event.data as EventData['notification.failed'];
  return {
    _id: data.deliveryId,
    deliveryId: data.deliveryId,
    orderId: data.orderId,
    channel: data.channel,
    template: data.template ?? 'unknown',
    status: event.type === 'customer.notified' ? 'SENT' : 'FAILED',
    attempts: data.attempts,
    reason: event.type === 'notification.failed' ? data.reason : null,
    versions: withVersion(current?.versions, event),
    updatedAt: event.time,
  };
}

/** What delivery_status holds for one channel, template and outcome: the input of the two figures below. */
export interface DeliveryGroup {
  channel: string;
  template: string;
  status: DeliveryStatus['status'];
  deliveries: number;
  attempts: number;
}

/** notification_views.channel_performance: how one channel does. */
export interface ChannelPerformance {
  _id: string;
  channel: string;
  deliveries: number;
  sent: number;
  failed: number;
  successRate: number;
  avgAttempts: number;
}

/** notification_views.template_usage: how often a template was sent, and through which channel. */
export interface TemplateUsage {
  _id: string;
  template: string;
  deliveries: number;
  sent: number;
  failed: number;
  byChannel: Record<string, number>;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

/** Both figures from delivery_status's groups: derived, so recomputing them is idempotent and a rebuild ends where the live projection does. */
export function deliveryFigures(groups: DeliveryGroup[]): { channels: ChannelPerformance[]; templates: TemplateUsage[] } {
  const channels = new Map<string, ChannelPerformance & { attemptsTotal: number }>();
  const templates = new Map<string, TemplateUsage>();
  for (const group of groups) {
    const channel = channels.get(group.channel) ?? {
      _id: group.channel,
      channel: group.channel,
      deliveries: 0,
      sent: 0,
      failed: 0,
      successRate: 0,
      avgAttempts: 0,
      attemptsTotal: 0,
    };
    channel.deliveries += group.deliveries;
    channel.attemptsTotal += group.attempts;
    if (group.status === 'SENT') channel.sent += group.deliveries;
    else channel.failed += group.deliveries;
    channels.set(group.channel, channel);
    const template = templates.get(group.template) ?? { _id: group.template, template: group.template, deliveries: 0, sent: 0, failed: 0, byChannel: {} };
    template.deliveries += group.deliveries;
    if (group.status === 'SENT') template.sent += group.deliveries;
    else template.failed += group.deliveries;
    template.byChannel[group.channel] = (template.byChannel[group.channel] ?? 0) + group.deliveries;
    templates.set(group.template, template);
  }
  const byId = <T extends { _id: string }>(a: T, b: T) => a._id.localeCompare(b._id);
  return {
    channels: [...channels.values()]
      .map(({ attemptsTotal, ...c }) => ({ ...c, successRate: ratio(c.sent, c.deliveries), avgAttempts: ratio(attemptsTotal, c.deliveries) }))
      .sort(byId),
    templates: [...templates.values()].sort(byId),
  };
}
