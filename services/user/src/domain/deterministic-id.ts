import { createHash } from 'node:crypto';

/** A UUID (version 8, RFC 9562) derived from a text: the same text always gives the same id. */
export function deterministicUuid(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A salt derived from the email and the seed number, so rerunning a seed rewrites nothing. */
export function deterministicSalt(email: string, seed: number): Buffer {
  return createHash('sha256').update(`frank-seed-salt:${seed}:${email}`).digest().subarray(0, 16);
}
