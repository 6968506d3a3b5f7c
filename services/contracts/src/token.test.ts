import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, TOKEN_LIFETIME_SECONDS, verifyToken } from './token.js';

const SECRET = 'a-lab-secret-of-enough-length';
const subject = { sub: '00000000-0000-4000-8000-000000000001', email: 'demo@frank.lab', name: 'Demo', roles: ['customer'] };
const now = Date.UTC(2026, 0, 1);

const forge = (header: object, payload: object, secret = SECRET) => {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
};

describe('tokens (HS256 JWT)', () => {
  it('signs claims that verify with the same secret, with iat and a 12 h expiry', () => {
    const token = signToken(subject, SECRET, { now });
    expect(token.split('.')).toHaveLength(3);
    const claims = verifyToken(token, SECRET, now + 1000);
    expect(claims).toEqual({ ...subject, iat: now / 1000, exp: now / 1000 + TOKEN_LIFETIME_SECONDS });
    expect(TOKEN_LIFETIME_SECONDS).toBe(12 * 3600);
  });

  it('is a standard JWT: the header says HS256 and the signature is HMAC-SHA256 of header.payload', () => {
    const [header, payload, signature] = signToken(subject, SECRET, { now }).split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
  });

  it('refuses another secret, an altered payload, an expired token, alg none and garbage', () => {
    const token = signToken(subject, SECRET, { now });
    expect(() => verifyToken(token, 'another-secret-of-enough-length', now)).toThrow(/bad signature/);
    const [h, , s] = token.split('.');
    const admin = Buffer.from(JSON.stringify({ ...subject, roles: ['admin'], iat: 0, exp: 9e9 })).toString('base64url');
    expect(() => verifyToken(`${h}.${admin}.${s}`, SECRET, now)).toThrow(/bad signature/);
    expect(() => verifyToken(token, SECRET, now + TOKEN_LIFETIME_SECONDS * 1000)).toThrow(/expired/);
    expect(() => verifyToken(forge({ alg: 'none' }, { ...subject, iat: 0, exp: 9e9 }), SECRET, now)).toThrow(/header/);
    expect(() => verifyToken(forge({ alg: 'HS256' }, { sub: 'x', iat: 0, exp: 9e9 }), SECRET, now)).toThrow(/claims/);
    expect(() => verifyToken(forge({ alg: 'HS256' }, { ...subject, sub: 'admin', iat: 0, exp: 9e9 }), SECRET, now)).toThrow(/claims/);
    expect(() => verifyToken('not-a-token', SECRET, now)).toThrow(/three parts/);
    expect(() => verifyToken(`${token}x`, SECRET, now)).toThrow(/bad signature/);
  });
});
