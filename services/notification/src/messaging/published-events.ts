import type { ChannelName } from '../domain/simulated-channel.js';

// What this service publishes (services/README.md, "Events").

export const SOURCE = 'notification';
export const AGGREGATE_TYPE = 'order';

export interface CustomerNotified {
  orderId: string;
  channel: ChannelName;
  /** The template the message was rendered from. */
  template: string;
  deliveryId: string;
  attempts: number;
}

export interface NotificationFailed extends CustomerNotified {
  reason: string;
}
