import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { appendEvent, HttpError, inTransaction, validate, type Pool } from '@frank/kit';
import { ITEM_CREATED, type ItemCreated } from '../domain/events.js';
import { findItem, insertItem } from '../persistence/item-repository.js';

const createBody = z.object({ name: z.string().trim().min(1).max(200) });
const itemId = z.uuid();

export function itemRoutes(pool: Pool): Router {
  const router = Router();

  router.post('/items', async (req, res) => {
    const body = validate(createBody, req.body);
    const id = randomUUID();
    // The row and its event commit together; the kit's relay publishes the event afterwards.
    const item = await inTransaction(pool, async (client) => {
      const created = await insertItem(client, { id, name: body.name });
      await appendEvent<ItemCreated>(client, { type: ITEM_CREATED, source: '{{name}}', aggregateType: 'item', aggregateId: id, data: { itemId: id, name: created.name } });
      return created;
    });
    res.status(201).json(item);
  });

  router.get('/items/:id', async (req, res) => {
    const id = itemId.safeParse(req.params.id);
    const item = id.success ? await findItem(pool, id.data) : undefined;
    if (!item) throw new HttpError(404, 'not-found', `No item ${req.params.id}.`);
    res.json(item);
  });

  return router;
}
