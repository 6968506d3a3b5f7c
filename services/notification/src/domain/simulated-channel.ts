import type { ChannelSettings } from './channel-settings.js';

export type ChannelName = 'email' | 'sms';

export interface OutgoingMessage {
  channel: ChannelName;
  address: string | null;
  subject: string | null;
  body: string;
}

/** A send that failed; `permanent` ones (no address) are not worth a retry. */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/**
 * The lab's stand-in for an email or SMS provider: it takes `latencyMs` and fails with
 * probability `failureRate`. It belongs to the lab, like the payment provider, so it is the one
 * thing here that is simulated rather than real.
 */
export async function sendThroughChannel(message: OutgoingMessage, settings: ChannelSettings, random: () => number = Math.random): Promise<void> {
  if (!message.address) throw new ChannelError(`no ${message.channel === 'email' ? 'email address' : 'phone number'} for this recipient`, true);
  if (settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
  if (random() < settings.failureRate) throw new ChannelError(`simulated ${message.channel} channel failure`);
}
