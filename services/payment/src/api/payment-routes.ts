import { HttpError, type Pool } from '@frank/kit';
import type { Express } from 'express';
import { findPaymentView } from '../persistence/payment-view.js';

export function addPaymentRoutes(app: Express, pool: Pool): void {
  app.get('/payments/:orderId', async (req, res) => {
    const view = await findPaymentView(pool, req.params.orderId);
    if (!view) throw new HttpError(404, 'not-found', `no payment for order ${req.params.orderId}`, { field: 'orderId' });
    res.json(view);
  });
}
