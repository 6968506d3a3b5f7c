import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** services/web/dist, where `npm run build:web` writes the storefront. */
export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web', 'dist');

// Paths the storefront must never shadow: an unknown API path stays a JSON 404.
const NOT_PAGES = /^\/(api|health|internal)(\/|$)/;

/**
 * The built storefront at `/`, registered after every API route so those keep precedence. A GET
 * for any other path answers index.html (the app routes in the browser). The folder is looked at
 * per request: a build made while the BFF runs is served without a restart.
 */
export function storefrontRoutes(distDir: string = DEFAULT_WEB_DIST): Router {
  const router = Router();
  const index = path.join(distDir, 'index.html');
  const files = express.static(distDir, { index: false, fallthrough: true });
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_PAGES.test(req.path)) return next();
    if (!existsSync(index)) {
      if (req.path !== '/') return next();
      res
        .status(503)
        .type('html')
        .send(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>frank storefront not built</title></head><body><h1>The storefront is not built</h1><p>Run <code>npm run build:web</code> in the repository, then reload this page. The API is at <code>/api</code>.</p></body></html>',
        );
      return;
    }
    files(req, res, () => {
      // Assets that are missing are 404s, not the app: a stale hashed file must not come back as HTML.
      if (req.path.startsWith('/assets/')) return next();
      res.sendFile(index, { headers: { 'cache-control': 'no-cache' } });
    });
  });
  return router;
}
