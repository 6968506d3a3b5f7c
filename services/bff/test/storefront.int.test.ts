import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runService } from '@frank/kit';
import { definition } from '../src/service.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The BFF serves the built storefront after its own routes, which keep their answers. */
describe('bff serves the storefront', () => {
  let dist: string;
  let base: string;
  let bff: Awaited<ReturnType<typeof runService>>;

  beforeAll(async () => {
    dist = await mkdtemp(path.join(os.tmpdir(), 'frank-web-dist-'));
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const port = await freePort();
    bff = await runService(definition, {
      PORT: String(port),
      USER_URL: nobody,
      ORDER_URL: nobody,
      INVENTORY_URL: nobody,
      JWT_SECRET: 'test-secret',
      WEB_DIST_DIR: dist,
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await bff?.stop();
    await rm(dist, { recursive: true, force: true });
  });

  it('says how to build it while the folder has no index.html, and API paths stay JSON', async () => {
    const root = await fetch(`${base}/`);
    expect(root.status).toBe(503);
    expect(await root.text()).toContain('npm run build:web');
    expect((await fetch(`${base}/orders/some-id`)).status).toBe(404);
    const products = await fetch(`${base}/api/products`);
    expect(products.status).toBe(503);
    expect((await products.json()).error.missing).toEqual(['views']);
  });

  it('serves files, falls back to index.html for pages, and leaves /api, /health and missing assets alone', async () => {
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>storefront</title>');
    await writeFile(path.join(dist, 'assets', 'app-1.js'), 'console.log(1)');

    for (const page of ['/', '/orders/4f1c', '/cart']) {
      const answer = await fetch(base + page);
      expect(answer.status, page).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/text\/html/);
      expect(await answer.text()).toContain('<title>storefront</title>');
    }
    const asset = await fetch(`${base}/assets/app-1.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toBe('console.log(1)');

    const staleAsset = await fetch(`${base}/assets/app-0.js`);
    expect(staleAsset.status).toBe(404);
    expect((await staleAsset.json()).error.code).toBe('not-found');
    const unknownApi = await fetch(`${base}/api/nothing-here`);
    expect(unknownApi.status).toBe(404);
    expect((await unknownApi.json()).error.code).toBe('not-found');
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'live', service: 'bff' });
    // A read route still answers as before (no token: 401), not with the page.
    expect((await fetch(`${base}/api/orders/4f1c`)).status).toBe(401);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(404);
  });
});
