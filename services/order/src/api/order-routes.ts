import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { appendEvent, authenticate, HttpError, inTransaction, isAdmin, validate, type Pool } from '@frank/kit';
import type { OrderCreated } from '../domain/events.js';
import { findOrder, insertOrder, listOrders } from '../persistence/order-repository.js';
import { startSaga } from '../persistence/saga-repository.js';
import type { Admission } from './admission.js';
import { fetchProduct } from './inventory-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const orderBody = z.object({
  items: z
    .array(z.object({ sku: z.string().min(1).max(100), qty: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(100),
});

const listQuery = z.object({ userId: z.string().regex(UUID, 'not a uuid').optional() });

export interface OrderRoutesOptions {
  pool: Pool;
  jwtSecret: string;
  inventoryUrl: string;
  /** Load shedding: see admission.ts. */
  admission: Admission;
}

export function orderRoutes({ pool, jwtSecret, inventoryUrl, admission }: OrderRoutesOptions): Router {
  const router = Router();

  /** Saga step 1: the order PENDING, the saga STARTED and order.created, in one transaction. */
  router.post('/orders', async (req, res) => {
    const claims = authenticate(req, jwtSecret);
    const { items } = validate(orderBody, req.body);
    const seen = new Set<string>();
    for (const [index, item] of items.entries()) {
      // One line per SKU: order_items is keyed by it, and inventory reserves per line.
      if (seen.has(item.sku))
        throw new HttpError(400, 'validation-failed', `items.${index}.sku: ${item.sku} appears twice; put the quantities on one line`, {
          field: `items.${index}.sku`,
        });
      seen.add(item.sku);
    }
    await admission.admit();
    const products = await Promise.all(items.map((item) => fetchProduct(inventoryUrl, item.sku)));
    const lines = items.map((item, index) => {
      const product = products[index];
      if (!product) throw new HttpError(422, 'unprocessable', `items.${index}.sku: inventory knows no product ${item.sku}`, { field: `items.${index}.sku` });
      return { sku: item.sku, qty: item.qty, priceCents: product.priceCents };
    });
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const totalCents = lines.reduce((sum, line) => sum + line.qty * line.priceCents, 0);
    const customer = { email: claims.email, name: claims.name, phone: claims.phone ?? null };
    try {
      await inTransaction(pool, async (client) => {
        await insertOrder(client, { id: orderId, sagaId, userId: claims.sub, totalCents, currency: 'EUR', customer, items: lines });
        await startSaga(client, sagaId, orderId);
        await appendEvent<OrderCreated>(client, {
          type: 'order.created',
          source: 'order',
          aggregateType: 'order',
          aggregateId: orderId,
          sagaId,
          data: { orderId, userId: claims.sub, customer, items: lines, totalCents, currency: 'EUR' },
        });
      });
    } catch (error) {
      // The database went down as it committed: the answer to COMMIT was lost, the retry found the
      // order already there. It was written, whole (one transaction), so it is accepted.
      if ((error as { code?: string }).code !== '23505' || !(await findOrder(pool, orderId).catch(() => undefined))) throw error;
    }
    // Its own database down is a 503 with Retry-After (the kit's error handler): nothing was written.
    res.status(202).json({ orderId, sagaId });
  });

  router.get('/orders/:id', async (req, res) => {
    const claims = authenticate(req, jwtSecret);
    const id = req.params.id;
    const order = UUID.test(id) ? await findOrder(pool, id) : undefined;
    // Someone else's order answers like a missing one: ids of other customers' orders stay unknown.
    if (!order || (order.userId !== claims.sub && !isAdmin(claims))) throw new HttpError(404, 'not-found', `No order ${id}.`, { field: 'id' });
    res.json(order);
  });

  router.get('/orders', async (req, res) => {
    const claims = authenticate(req, jwtSecret);
    const { userId = claims.sub } = validate(listQuery, req.query);
    if (userId !== claims.sub && !isAdmin(claims)) throw new HttpError(403, 'forbidden', "Only an admin may list another user's orders.", { field: 'userId' });
    res.json(await listOrders(pool, userId));
  });

  return router;
}
