import { HttpError, validate } from '@frank/kit';
import type { Express } from 'express';
import { z } from 'zod';
import { cacheHits, cacheMisses, CACHED_VIEWS, invalidations } from '@frank/contracts/cache-keys';
import type { CacheInvalidator } from '../cache/cache-invalidator.js';
import type { LagWindow } from '../messaging/lag-window.js';
import type { Projector } from '../messaging/projectors.js';
import { isViewDatabase, PROJECTOR_STATUS, VIEW_DATABASES, type ViewDatabase, type ViewStore } from '../persistence/view-databases.js';
import type { Rebuilds } from '../rebuild/rebuild-views.js';

export interface RouteDeps {
  store: ViewStore;
  cache: CacheInvalidator;
  projectors: Projector[];
  lags: Map<ViewDatabase, LagWindow>;
  seeded: () => boolean;
  rebuilds: Rebuilds;
}

const rebuildRequest = z.object({
  views: z
    .array(z.string().refine(isViewDatabase, { message: `a view database, one of ${Object.keys(VIEW_DATABASES).join(', ')}` }))
    .min(1)
    .optional(),
});

/**
 * GET /views/status: per projector its queue, last event applied, lag and document counts; the
 * cache's counters. POST /views/rebuild starts a rebuild from the event stores (one at a time);
 * GET /views/rebuild/:id follows it.
 */
export function registerRoutes(app: Express, deps: RouteDeps): void {
  app.get('/views/status', async (_req, res) => {
    const projectors = [];
    for (const projector of deps.projectors) {
      const status = await deps.store.collection(projector.view, PROJECTOR_STATUS).findOne({ _id: 'status' } as never);
      const counts: Record<string, number> = {};
      for (const name of VIEW_DATABASES[projector.view]) counts[name] = await deps.store.collection(projector.view, name).countDocuments();
      projectors.push({
        view: projector.view,
        queue: projector.queue,
        applied: (status?.applied as number | undefined) ?? 0,
        lastEventId: status?.lastEventId ?? null,
        lastEventType: status?.lastEventType ?? null,
        lastEventTime: status?.lastEventTime ?? null,
        lastAppliedAt: status?.lastAppliedAt ?? null,
        lastLagMs: status?.lastLagMs ?? null,
        lagMs: deps.lags.get(projector.view)?.summary() ?? null,
        rebuiltAt: status?.rebuiltAt ?? null,
        counts,
      });
    }
    const keys = CACHED_VIEWS.flatMap((view) => [cacheHits(view), cacheMisses(view), invalidations(view)]);
    const values = await deps.cache.read(keys).catch(() => keys.map(() => null));
    const cache = CACHED_VIEWS.map((view, i) => ({
      view,
      hits: Number(values[i * 3] ?? 0),
      misses: Number(values[i * 3 + 1] ?? 0),
      invalidations: Number(values[i * 3 + 2] ?? 0),
    }));
    res.json({ catalogueSeeded: deps.seeded(), cacheConnected: deps.cache.connected, rebuilding: deps.rebuilds.running?.id ?? null, projectors, cache });
  });

  app.post('/views/rebuild', (req, res) => {
    const { views } = validate(rebuildRequest, req.body ?? {});
    const { progress } = deps.rebuilds.start((views as ViewDatabase[] | undefined) ?? (Object.keys(VIEW_DATABASES) as ViewDatabase[]));
    res.status(202).json(progress);
  });

  app.get('/views/rebuild/:id', (req, res) => {
    const progress = deps.rebuilds.get(req.params.id);
    if (!progress) throw new HttpError(404, 'not-found', `no rebuild ${req.params.id} since views started`);
    res.json(progress);
  });
}
