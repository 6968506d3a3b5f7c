import type { Server } from 'node:http';
import { createServer } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runService } from '@frank/kit';
import { definition } from '../src/service.js';

/** What a stand-in service saw: the bff's job is to pass requests through unchanged. */
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

async function recordingService(answer: (req: express.Request, res: express.Response) => void): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const app = express();
  app.use(express.json());
  app.use((req, res) => {
    seen.push({ method: req.method, url: req.originalUrl, authorization: req.header('authorization'), body: req.body });
    answer(req, res);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('bff passes writes and logins through to the services', () => {
  let user: Awaited<ReturnType<typeof recordingService>>;
  let order: Awaited<ReturnType<typeof recordingService>>;
  let bff: Awaited<ReturnType<typeof runService>>;
  let base: string;

  beforeAll(async () => {
    user = await recordingService((req, res) => {
      if (req.body?.password === 'frank-demo') res.json({ token: 't0k3n', userId: 'u-1' });
      else res.status(401).json({ error: { code: 'unauthorized', message: 'Wrong email or password.' } });
    });
    order = await recordingService((req, res) => {
      if (req.method === 'POST') res.status(202).json({ orderId: 'o-1', sagaId: 's-1' });
      else res.status(404).json({ error: { code: 'not-found', message: `No order ${req.path}` } });
    });
    // Inventory is not running: nothing listens on its port.
    const inventoryUrl = `http://127.0.0.1:${await freePort()}`;
    const port = await freePort();
    bff = await runService(definition, {
      PORT: String(port),
      USER_URL: user.url,
      ORDER_URL: order.url,
      INVENTORY_URL: inventoryUrl,
      JWT_SECRET: 'test-secret',
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await bff?.stop();
    await user?.close();
    await order?.close();
  });

  it('is ready without a database', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });

  it("forwards a login and the user-service's answer, success or error, unchanged", async () => {
    const ok = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@frank.lab', password: 'frank-demo' }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ token: 't0k3n', userId: 'u-1' });
    expect(user.seen.at(-1)).toEqual({
      method: 'POST',
      url: '/auth/login',
      authorization: undefined,
      body: { email: 'demo@frank.lab', password: 'frank-demo' },
    });
    const bad = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@frank.lab', password: 'no' }),
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it("passes the caller's Authorization header and the body to order-service", async () => {
    const placed = await fetch(`${base}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' },
      body: JSON.stringify({ items: [{ sku: 'SKU-1', qty: 2 }] }),
    });
    expect(placed.status).toBe(202);
    expect(await placed.json()).toEqual({ orderId: 'o-1', sagaId: 's-1' });
    expect(order.seen.at(-1)).toEqual({ method: 'POST', url: '/orders', authorization: 'Bearer abc.def.ghi', body: { items: [{ sku: 'SKU-1', qty: 2 }] } });
    // An order's details come from the read side now; a bad token is refused here, before any read.
    const refused = await fetch(`${base}/api/orders/some%20id?x=1`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(refused.status).toBe(401);
    await fetch(`${base}/api/orders?userId=u-1&limit=5`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(order.seen.at(-1)).toMatchObject({ method: 'GET', url: '/orders?userId=u-1&limit=5', authorization: 'Bearer abc.def.ghi' });
  });

  it('answers malformed JSON itself, without bothering a service', async () => {
    const before = order.seen.length;
    const answer = await fetch(`${base}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"items": [' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: { code: 'malformed-json' } });
    expect(order.seen.length).toBe(before);
  });

  it('answers 502 naming the service that does not answer', async () => {
    const inventoryDown = await runService(definition, {
      PORT: String(await freePort()),
      USER_URL: `http://127.0.0.1:${await freePort()}`,
      ORDER_URL: order.url,
      INVENTORY_URL: order.url,
      JWT_SECRET: 'test-secret',
    });
    try {
      const address = inventoryDown.server.address() as { port: number };
      const answer = await fetch(`http://127.0.0.1:${address.port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(answer.status).toBe(502);
      expect(await answer.json()).toMatchObject({ error: { code: 'bad-gateway', service: 'user' } });
    } finally {
      await inventoryDown.stop();
    }
  });

  it('says the read side is missing rather than failing when it has none', async () => {
    const answer = await fetch(`${base}/api/products?category=tools`);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: { code: 'unavailable', missing: ['views'] } });
  });
});
