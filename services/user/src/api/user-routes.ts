import { Router } from 'express';
import { authenticate, HttpError, isAdmin, type Pool } from '@frank/kit';
import { findUserById } from '../persistence/user-repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function userRoutes(pool: Pool, jwtSecret: string): Router {
  const router = Router();

  router.get('/users/:id', async (req, res) => {
    const claims = authenticate(req, jwtSecret);
    const id = req.params.id;
    // Someone else's profile answers like a missing one: a customer learns nothing about other ids.
    const visible = UUID.test(id) && (claims.sub === id || isAdmin(claims));
    const user = visible ? await findUserById(pool, id) : undefined;
    if (!user) throw new HttpError(404, 'not-found', `No user ${id}.`, { field: 'id' });
    res.json({ userId: user.id, email: user.email, name: user.name, phone: user.phone, roles: user.roles });
  });

  return router;
}
