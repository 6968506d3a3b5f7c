import { createHmac } from 'node:crypto';

/** Signs a token as user-service does (HS256 JWT): the test stands in for the issuer. */
export function signToken(
  claims: { sub: string; email: string; name: string; phone?: string; roles: string[] },
  secret: string,
  lifetimeSeconds = 3600,
): string {
  const iat = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + lifetimeSeconds })).toString('base64url');
  return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
}
