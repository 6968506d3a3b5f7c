import { authenticate, errorFields, HttpError, validate, type Logger } from '@frank/kit';
import { Router } from 'express';
import type { Document } from 'mongodb';
import { z } from 'zod';
import { productsGeneration, userGeneration } from '@frank/contracts/cache-keys';
import type { ReadCache } from '../cache/read-cache.js';
import type { ViewReader } from '../read/view-reader.js';
import type { Downstream } from './forward.js';

export interface ReadDeps {
  /** Undefined when the BFF has no MONGO_URL: every read answers that the views are missing. */
  views: ViewReader | undefined;
  cache: ReadCache;
  jwtSecret: string;
  order: Downstream;
  log: Logger;
}

const productQuery = z.object({
  category: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

function viewsDown(error: unknown, what: string): HttpError {
  return new HttpError(503, 'unavailable', `The read side (Mongo) did not answer, so ${what} cannot be served; try again shortly.`, {
    missing: ['views'],
    reason: errorFields(error).error,
  });
}

/**
 * The storefront's reads, from the Mongo views and the Redis cache. A part that cannot be read
 * is named in `missing` beside what could be; only when nothing can be read is it a 503.
 */
export function readRoutes(deps: ReadDeps): Router {
  const router = Router();
  const views = (): ViewReader => {
    if (!deps.views) throw new HttpError(503, 'unavailable', 'The BFF has no read side configured (MONGO_URL).', { missing: ['views'] });
    return deps.views;
  };

  router.get('/api/products', async (req, res) => {
    const query = validate(productQuery, req.query);
    let read;
    try {
      read = await deps.cache.read('product_list', productsGeneration, `${query.category ?? '*'}:${query.limit}:${query.offset}`, async () => {
        if (query.category !== undefined && !(await views().categoryExists(query.category))) return null;
        return views().listProducts(query);
      });
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw viewsDown(error, 'the product list');
    }
    if (read.value === null) throw new HttpError(404, 'not-found', `No category with slug "${query.category}".`, { field: 'category' });
    res.json({ items: read.value, limit: query.limit, offset: query.offset, source: read.from, missing: read.cacheAvailable ? [] : ['cache'] });
  });

  router.get('/api/products/:sku', async (req, res) => {
    const sku = req.params.sku;
    let read;
    try {
      read = await deps.cache.read('stock_levels', productsGeneration, sku, async () => (await views().product(sku)) ?? null);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw viewsDown(error, `product ${sku}`);
    }
    if (read.value === null) throw new HttpError(404, 'not-found', `No product with sku "${sku}".`, { field: 'sku' });
    res.json({ ...read.value, source: read.from, missing: read.cacheAvailable ? [] : ['cache'] });
  });

  router.get('/api/orders/:id', async (req, res) => {
    const claims = authenticate(req, deps.jwtSecret);
    const orderId = req.params.id;
    let order: Document | undefined;
    try {
      order = await views().orderDetails(orderId);
    } catch (error) {
      // The views are away: order-service still knows the order; payment and delivery are missing.
      deps.log.warn('order views unreadable; asking order-service', { orderId, ...errorFields(error) });
      const fromService = await orderFromService(deps.order, orderId, req.header('authorization')!).catch(() => undefined);
      if (!fromService) throw viewsDown(error, `order ${orderId}`);
      if (fromService.status !== 200)
        throw new HttpError(fromService.status === 404 ? 404 : 502, fromService.status === 404 ? 'not-found' : 'bad-gateway', `No order ${orderId}.`, {
          field: 'id',
        });
      res.json({ order: fromService.body, payment: null, deliveries: null, source: 'order-service', missing: ['payment', 'delivery'] });
      return;
    }
    if (!order || (order.userId !== claims.sub && !claims.roles.includes('admin')))
      throw new HttpError(404, 'not-found', `No order ${orderId}.`, { field: 'id' });
    const missing: string[] = [];
    const payment = await views()
      .payment(orderId)
      .catch(() => (missing.push('payment'), null));
    const deliveries = await views()
      .deliveries(orderId)
      .catch(() => (missing.push('delivery'), null));
    res.json({ order, payment, deliveries, source: 'views', missing });
  });

  router.get('/api/users/:id/orders', async (req, res) => {
    const claims = authenticate(req, deps.jwtSecret);
    const userId = req.params.id;
    if (userId !== claims.sub && !claims.roles.includes('admin'))
      throw new HttpError(403, 'forbidden', "A user's order history is theirs to read: use your own id.", { field: 'id' });
    const page = validate(pageQuery, req.query);
    const missing: string[] = [];
    let summary: Document | null = null;
    let cacheAvailable = true;
    try {
      const read = await deps.cache.read('user_summary', userGeneration(userId), userId, () => views().userSummary(userId));
      summary = read.value;
      cacheAvailable = read.cacheAvailable;
    } catch {
      missing.push('summary');
    }
    let orders: Document[] | null = null;
    try {
      orders = await views().orderHistory(userId, page);
    } catch {
      missing.push('orders');
    }
    if (!cacheAvailable) missing.push('cache');
    if (summary === null && orders === null) throw new HttpError(503, 'unavailable', 'The read side (Mongo) did not answer; try again shortly.', { missing });
    res.json({ userId, summary, orders, limit: page.limit, offset: page.offset, missing });
  });

  return router;
}

async function orderFromService(order: Downstream, orderId: string, authorization: string): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(new URL(`/orders/${encodeURIComponent(orderId)}`, order.baseUrl), {
    headers: { accept: 'application/json', authorization },
    signal: AbortSignal.timeout(5000),
  });
  return { status: answer.status, body: await answer.json().catch(() => null) };
}
