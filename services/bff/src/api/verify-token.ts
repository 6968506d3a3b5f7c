import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * bff's own copy of token verification (user-service signs; no cross-service imports).
 * HS256 JWT: header.payload.signature, base64url, signed with the lab's JWT_SECRET.
 */
export interface TokenClaims {
  sub: string;
  email: string;
  name: string;
  phone?: string;
  roles: string[];
  iat: number;
  exp: number;
}

const headerSchema = z.object({ alg: z.literal('HS256'), typ: z.literal('JWT').optional() });
const claimsSchema = z.object({
  // user ids are uuids: a token naming anything else is not one of ours.
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

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function verifyToken(token: string, secret: string, now: number = Date.now()): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('not three parts');
  const [header, payload, signature] = parts as [string, string, string];
  // Only HS256: no "none", no algorithm confusion.
  if (!headerSchema.safeParse(decodeJson(header)).success) throw new InvalidTokenError('unsupported header');
  // Compare encoded strings: base64url decoding is lenient and would accept altered signatures.
  const expected = Buffer.from(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidTokenError('bad signature');
  const claims = claimsSchema.safeParse(decodeJson(payload));
  if (!claims.success) throw new InvalidTokenError('malformed claims');
  if (claims.data.exp * 1000 <= now) throw new InvalidTokenError('expired');
  return claims.data;
}
