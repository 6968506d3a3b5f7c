import type { Request } from 'express';
import { InvalidTokenError, verifyToken, type TokenClaims } from '@frank/contracts/token';
import { HttpError } from '../errors.js';
import { bearerToken } from './create-app.js';

const LOGIN = 'log in at POST /api/auth/login';

/** The caller's claims from `Authorization: Bearer <token>`; a missing or bad token is a 401 that says how to get one. */
export function authenticate(req: Request, secret: string): TokenClaims {
  const token = bearerToken(req);
  if (!token)
    throw new HttpError(401, 'unauthorized', `A bearer token is required: ${LOGIN} and send Authorization: Bearer <token>.`, { field: 'authorization' });
  try {
    return verifyToken(token, secret);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new HttpError(401, 'unauthorized', `${error.message}; ${LOGIN} again.`, { field: 'authorization' });
    throw error;
  }
}

export const isAdmin = (claims: TokenClaims) => claims.roles.includes('admin');
