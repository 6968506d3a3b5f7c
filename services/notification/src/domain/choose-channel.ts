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
