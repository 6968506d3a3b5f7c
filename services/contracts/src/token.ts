import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a token says about its bearer. user-service signs; order, bff and user verify with the lab's JWT_SECRET. */
export interface TokenClaims {
  sub: string;
  email: string;
  name: string;
  phone?: string;
  roles: string[];
  iat: number;
  exp: number;
}

export type TokenSubject = Omit<TokenClaims, 'iat' | 'exp'>;

export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

const headerSchema = z.object({ alg: z.literal('HS256'), typ: z.literal('JWT').optional() });
const claimsSchema = z.object({
  // User ids are uuids (order_domain.orders.user_id is one): a token naming anything else is not one of ours.
  sub: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i),
  email: z.string().min(1),
  name: z.string(),
  phone: z.string().optional(),
  roles: z.array(z.string()),
  iat: z.number().int(),
  exp: z.number().int(),
});

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(`Invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

function sign(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

/** A JWT (HS256): header.payload.signature, each base64url. */
export function signToken(subject: TokenSubject, secret: string, options: { now?: number; lifetimeSeconds?: number } = {}): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const payload = Buffer.from(JSON.stringify({ ...subject, iat, exp: iat + (options.lifetimeSeconds ?? TOKEN_LIFETIME_SECONDS) })).toString('base64url');
  return `${HEADER}.${payload}.${sign(`${HEADER}.${payload}`, secret)}`;
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The claims of a token signed with `secret` and not expired; anything else throws InvalidTokenError. */
export function verifyToken(token: string, secret: string, now: number = Date.now()): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('not three parts');
  const [header, payload, signature] = parts as [string, string, string];
  // The header is checked before the signature: only HS256 is accepted (no "none", no key confusion).
  if (!headerSchema.safeParse(decodeJson(header)).success) throw new InvalidTokenError('unsupported header');
  // Comparing the encoded strings avoids base64url's lenient decoding accepting altered signatures.
  const expected = Buffer.from(sign(`${header}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidTokenError('bad signature');
  const claims = claimsSchema.safeParse(decodeJson(payload));
  if (!claims.success) throw new InvalidTokenError('malformed claims');
  if (claims.data.exp * 1000 <= now) throw new InvalidTokenError('expired');
  return claims.data;
}
