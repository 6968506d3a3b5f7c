import type { Express } from 'express';
import { cacheHits, cacheMisses, CACHED_VIEWS, invalidations } from '../cache/cache-keys.js';
import type { CacheInvalidator } from '../cache/cache-invalidator.js';
import type { Projector } from '../messaging/projectors.js';
import { PROJECTOR_STATUS, VIEW_DATABASES, type ViewStore } from '../persistence/view-databases.js';

/** GET /views/status: per projector its queue, last event applied, lag and document counts; the cache's counters. */
export function registerRoutes(app: Express, deps: { store: ViewStore; cache: CacheInvalidator; projectors: Projector[]; seeded: () => boolean }): void {
  app.get('/views/status', async (_req, res) => {
    const projectors = [];
    for (const projector of deps.projectors) {
      const status = await deps.store.collection(projector.view, PROJECTOR_STATUS).findOne({ _id: 'status' } as never);
      const counts: Record<string, number> = {};
      for (const name of VIEW_DATABASES[projector.view]) counts[name] = await deps.store.db(projector.view).collection(name).countDocuments();
      projectors.push({
        view: projector.view,
        queue: projector.queue,
        applied: (status?.applied as number | undefined) ?? 0,
        lastEventId: status?.lastEventId ?? null,
        lastEventType: status?.lastEventType ?? null,
        lastEventTime: status?.lastEventTime ?? null,
        lastAppliedAt: status?.lastAppliedAt ?? null,
        lastLagMs: status?.lastLagMs ?? null,
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
    res.json({ catalogueSeeded: deps.seeded(), cacheConnected: deps.cache.connected, projectors, cache });
  });
}
