import { validate, type Pool } from '@frank/kit';
import type { Express } from 'express';
import { z } from 'zod';
import type { CubeRefresher } from '../persistence/cube-refresher.js';
import { customerLtv, salesByMonth, summary } from '../persistence/reports.js';
import { lastScheduledRefresh } from '../persistence/scheduled-refreshes.js';

const ltvQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(20) });

export function registerRoutes(app: Express, deps: { pool: Pool; cubes: CubeRefresher }): void {
  app.get('/reports/sales-by-month', async (_req, res) => {
    res.json(await salesByMonth(deps.pool));
  });

  app.get('/reports/customer-ltv', async (req, res) => {
    const { limit } = validate(ltvQuery, req.query);
    res.json(await customerLtv(deps.pool, limit));
  });

  app.get('/reports/summary', async (_req, res) => {
    res.json({ ...(await summary(deps.pool)), cubesRefreshedAt: deps.cubes.lastRefreshedAt(), lastScheduledRefresh: await lastScheduledRefresh(deps.pool) });
  });
}
