import type { ChannelName } from './simulated-channel.js';

export interface ContactDetails {
  email: string | null;
  phone: string | null;
}

/** Email when the recipient has an address, SMS otherwise (which fails permanently without a phone). */
export function chooseChannel(contact: ContactDetails): { channel: ChannelName; address: string | null } {
  if (contact.email) return { channel: 'email', address: contact.email };
  return { channel: 'sms', address: contact.phone };
}

/**
 * Every channel the confirmation goes out on: the one above, and an SMS beside an e-mail when
 * `alsoSms` (the flag notification.sms) and the recipient has a phone number.
 */
export function chooseChannels(contact: ContactDetails, alsoSms: boolean): { channel: ChannelName; address: string | null }[] {
  const first = chooseChannel(contact);
  return alsoSms && first.channel === 'email' && contact.phone ? [first, { channel: 'sms', address: contact.phone }] : [first];
}
