import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyToken } from './verify-token.js';

const SECRET = 'order-unit-secret-0123456789';
const now = Date.UTC(2026, 0, 1);
const claims = {
  sub: '00000000-0000-4000-8000-000000000001',
  email: 'demo@frank.lab',
  name: 'Demo',
  roles: ['customer'],
  iat: now / 1000,
  exp: now / 1000 + 43200,
};

/** Signs as user-service does: the test stands in for the issuer. */
const sign = (payload: object, header: object = { alg: 'HS256', typ: 'JWT' }, secret = SECRET) => {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
};

describe("order-service's token verification", () => {
  it("accepts user-service's tokens and returns the claims", () => {
    expect(verifyToken(sign(claims), SECRET, now)).toEqual(claims);
    expect(verifyToken(sign({ ...claims, phone: '+4930' }), SECRET, now).phone).toBe('+4930');
  });

  it('refuses another secret, expiry, alg none, a subject that is no user id, and garbage', () => {
    expect(() => verifyToken(sign(claims, undefined, 'other-secret'), SECRET, now)).toThrow(/bad signature/);
    expect(() => verifyToken(sign(claims), SECRET, claims.exp * 1000)).toThrow(/expired/);
    expect(() => verifyToken(sign(claims, { alg: 'none' }), SECRET, now)).toThrow(/header/);
    expect(() => verifyToken(sign({ ...claims, sub: 'admin' }), SECRET, now)).toThrow(/claims/);
    expect(() => verifyToken('a.b', SECRET, now)).toThrow(/three parts/);
  });
});
