import { validate, type Pool } from '@frank/kit';
import type { Express } from 'express';
import { z } from 'zod';
import { channelSettingsPatchSchema, type ChannelSettingsStore } from '../domain/channel-settings.js';
import { listDeliveries } from '../persistence/deliveries.js';
import { listTemplates } from '../persistence/templates.js';

const deliveriesQuery = z.object({
  orderId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function registerRoutes(app: Express, deps: { pool: Pool; channels: ChannelSettingsStore }): void {
  app.get('/deliveries', async (req, res) => {
    const query = validate(deliveriesQuery, req.query);
    res.json(await listDeliveries(deps.pool, query));
  });

  app.get('/templates', async (_req, res) => {
    res.json(await listTemplates(deps.pool));
  });

  app.get('/admin/channels', (_req, res) => {
    res.json(deps.channels.get());
  });

  app.put('/admin/channels', (req, res) => {
    const patch = validate(channelSettingsPatchSchema, req.body ?? {});
    res.json(deps.channels.update(patch));
  });
}
