import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { appendEvent, authenticate, HttpError, inTransaction, signToken, validate, type Pool } from '@frank/kit';
import type { UserRegistered } from '../domain/events.js';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from '../domain/password.js';
import { findUserByEmail, grantRole, insertUser } from '../persistence/user-repository.js';

const email = z.email().transform((value) => value.toLowerCase());

const registerBody = z.object({
  email,
  name: z.string().trim().min(1).max(200),
  password: z.string().min(8).max(200),
  phone: z.string().trim().min(3).max(40).optional(),
});

const loginBody = z.object({ email, password: z.string().min(1) });

export function authRoutes(pool: Pool, jwtSecret: string): Router {
  const router = Router();

  router.post('/auth/register', async (req, res) => {
    const body = validate(registerBody, req.body);
    // Hashing is slow on purpose: done before the transaction, so no connection waits on it.
    const passwordHash = await hashPassword(body.password);
    const userId = randomUUID();
    const created = await inTransaction(pool, async (client) => {
      if (!(await insertUser(client, { id: userId, email: body.email, name: body.name, phone: body.phone ?? null, passwordHash }))) return false;
      await grantRole(client, userId, 'customer');
      await appendEvent<UserRegistered>(client, {
        type: 'user.registered',
        source: 'user',
        aggregateType: 'user',
        aggregateId: userId,
        data: { userId, email: body.email, name: body.name },
      });
      return true;
    });
    if (!created) throw new HttpError(409, 'conflict', 'A user with this email already exists.', { field: 'email' });
    res.status(201).json({ userId });
  });

  router.post('/auth/login', async (req, res) => {
    const body = validate(loginBody, req.body);
    const user = await findUserByEmail(pool, body.email);
    const matches = await verifyPassword(body.password, user?.passwordHash ?? UNUSABLE_HASH);
    if (!user || !matches) throw new HttpError(401, 'unauthorized', 'Wrong email or password.');
    const token = signToken({ sub: user.id, email: user.email, name: user.name, ...(user.phone ? { phone: user.phone } : {}), roles: user.roles }, jwtSecret);
    res.json({ token, userId: user.id });
  });

  router.get('/auth/verify', (req, res) => {
    const claims = authenticate(req, jwtSecret);
    res.json({ userId: claims.sub, email: claims.email, roles: claims.roles });
  });

  return router;
}
