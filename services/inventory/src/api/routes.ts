import { HttpError, inTransaction, validate, type Pool } from '@frank/kit';
import { Router } from 'express';
import { z } from 'zod';
import { buildCategoryTree } from '../domain/category-tree.js';
import { categoryExists, findProduct, listCategories, listProducts } from '../persistence/catalogue-queries.js';
import { setOnHand } from '../persistence/set-on-hand.js';
import { imagesOf } from '../persistence/product-images.js';

const listQuery = z.object({
  category: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const stockBody = z.object({ onHand: z.number().int().min(0).max(1_000_000_000) }, { error: 'expected a JSON object {onHand}' });

/** The catalogue (read) and the admin stock endpoint scenarios use to set up oversells. */
export function inventoryRoutes(pool: Pool): Router {
  const router = Router();

  router.get('/products', async (req, res) => {
    const query = validate(listQuery, req.query);
    if (query.category !== undefined && !(await categoryExists(pool, query.category))) {
      throw new HttpError(404, 'not-found', `No category with slug "${query.category}".`, { field: 'category' });
    }
    res.json(await listProducts(pool, query));
  });

  router.get('/products/:sku', async (req, res) => {
    const product = await findProduct(pool, req.params.sku);
    if (!product) throw new HttpError(404, 'not-found', `No product with sku "${req.params.sku}".`, { field: 'sku' });
    res.json({ ...product, images: await imagesOf(pool, product.sku) });
  });

  router.get('/categories', async (_req, res) => {
    res.json(buildCategoryTree(await listCategories(pool)));
  });

  router.post('/admin/stock/:sku', async (req, res) => {
    const { onHand } = validate(stockBody, req.body);
    const sku = req.params.sku;
    const result = await inTransaction(pool, (client) => setOnHand(client, sku, onHand));
    if (result.outcome === 'unknown-sku') throw new HttpError(404, 'not-found', `No product with sku "${sku}".`, { field: 'sku' });
    if (result.outcome === 'below-reserved') {
      throw new HttpError(409, 'conflict', `onHand ${onHand} is below the ${result.reserved} units reserved for orders in flight.`, {
        field: 'onHand',
        reserved: result.reserved,
      });
    }
    res.json({ sku, onHand: result.onHand, reserved: result.reserved, available: result.onHand - result.reserved });
  });

  return router;
}
