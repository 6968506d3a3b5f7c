import type { Server } from 'node:http';
import express from 'express';

/**
 * A stand-in for inventory-service's GET /products/:sku, enough for order-service's own tests
 * (the cross-service tests run the real one). `down` makes it drop every connection.
 */
export async function startFakeInventory(
  products: Record<string, { name: string; priceCents: number; available: number }>,
): Promise<{ url: string; setDown(down: boolean): void; close(): Promise<void> }> {
  let down = false;
  const app = express();
  app.get('/products/:sku', (req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const product = products[req.params.sku];
    if (!product) res.status(404).json({ error: { code: 'not-found', message: `No product ${req.params.sku}` } });
    else res.json({ sku: req.params.sku, ...product });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    setDown: (value) => void (down = value),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
