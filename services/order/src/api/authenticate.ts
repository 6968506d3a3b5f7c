import type { Request } from 'express';
import { bearerToken, HttpError } from '@frank/kit';
import { InvalidTokenError, verifyToken, type TokenClaims } from './verify-token.js';

/** The caller's claims from `Authorization: Bearer <token>`; a missing or bad token is a 401. */
export function authenticate(req: Request, secret: string): TokenClaims {
  const token = bearerToken(req);
  if (!token) throw new HttpError(401, 'unauthorized', 'A bearer token is required (Authorization: Bearer <token>).', { field: 'authorization' });
  try {
    return verifyToken(token, secret);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new HttpError(401, 'unauthorized', error.message, { field: 'authorization' });
    throw error;
  }
}

export const isAdmin = (claims: TokenClaims) => claims.roles.includes('admin');
