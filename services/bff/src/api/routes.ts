import { Router } from 'express';
import type { Logger } from '@frank/kit';
import { forward, type Downstream } from './forward.js';

export interface BffDownstreams {
  user: Downstream;
  inventory: Downstream;
  order: Downstream;
}

/** What still passes through to the service that owns it: logins, registration, placing and listing orders. */
export function bffRoutes(to: BffDownstreams, log: Logger): Router {
  const router = Router();
  const options = { log };
  router.post('/api/auth/login', (req, res) => forward(req, res, to.user, '/auth/login', options));
  router.post('/api/auth/register', (req, res) => forward(req, res, to.user, '/auth/register', options));
  router.post('/api/orders', (req, res) => forward(req, res, to.order, '/orders', options));
  router.get('/api/orders', (req, res) => forward(req, res, to.order, '/orders', options));
  // Product thumbnails: inventory-service reads them from the private bucket (see productImageUrl).
  router.get('/api/images/:sku/:imageId/:file', (req, res) =>
    forward(
      req,
      res,
      to.inventory,
      `/products/${encodeURIComponent(req.params.sku)}/images/${encodeURIComponent(req.params.imageId)}/${encodeURIComponent(req.params.file)}`,
      options,
    ),
  );
  return router;
}
