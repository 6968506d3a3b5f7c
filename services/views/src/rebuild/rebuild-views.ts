import { randomUUID } from 'node:crypto';
import { errorFields, HttpError, type EventEnvelope, type EventPage, type Logger } from '@frank/kit';
import { productsGeneration, userGeneration } from '@frank/contracts/cache-keys';
import { noCache, type CacheInvalidator } from '../cache/cache-invalidator.js';
import type { ProjectorGate } from '../messaging/projector-gate.js';
import { allProjectors, NotYetApplicableError, type Projector } from '../messaging/projectors.js';
import { seedCatalogue } from '../persistence/seed-catalogue.js';
import { PROJECTION_VERSIONS, PROJECTOR_STATUS, VIEW_DATABASES, type ViewDatabase, type ViewStore } from '../persistence/view-databases.js';

/** A service whose event store the read side replays: its name and base URL. */
export interface EventSource {
  name: string;
  url: string;
}

export interface RebuildDeps {
  store: ViewStore;
  cache: CacheInvalidator;
  gates: Map<ViewDatabase, ProjectorGate>;
  /** The live projectors: what they mirror of the collections a rebuild replaces is forgotten. */
  projectors: Projector[];
  sources: EventSource[];
  inventoryUrl: string | undefined;
  log: Logger;
}

export type RebuildPhase = 'fetching' | 'replaying' | 'swapping' | 'done' | 'failed';

/** What GET /views/rebuild/:id answers. */
export interface RebuildProgress {
  id: string;
  views: ViewDatabase[];
  phase: RebuildPhase;
  startedAt: string;
  finishedAt: string | null;
  eventsFetched: number;
  eventsApplied: number;
  /** Per source service: how many of its events were replayed. */
  sources: Record<string, number>;
  /** Documents per collection after the swap. */
  counts: Record<string, number>;
  error: string | null;
}

const SHADOW_SUFFIX = '__rebuild';
const PAGE = 1000;

/** Reads one source's event store through its /internal/events, the types given only. */
export async function fetchEvents(source: EventSource, types: string[], onPage: (count: number) => void): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let after: string | null = null;
  do {
    const url = new URL('/internal/events', source.url);
    url.searchParams.set('limit', String(PAGE));
    url.searchParams.set('types', types.join(','));
    if (after) url.searchParams.set('after', after);
    const answer = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((error: unknown) => {
      throw new Error(`${source.name} (${source.url}) did not answer: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!answer.ok) throw new Error(`${source.name} answered ${answer.status} to GET /internal/events`);
    const page = (await answer.json()) as EventPage;
    events.push(...page.events);
    onPage(page.events.length);
    after = page.next;
  } while (after);
  return events;
}

/** Replay order: by time, then per stream by version, so each document sees its events as they happened. */
export function replayOrder(a: EventEnvelope, b: EventEnvelope): number {
  return a.time.localeCompare(b.time) || a.source.localeCompare(b.source) || a.aggregateId.localeCompare(b.aggregateId) || a.version - b.version;
}

/**
 * Rebuilds view databases from the services' event stores while the lab runs: the projectors'
 * deliveries are held, every event is replayed into shadow collections (inventory_views starts
 * from inventory-service's catalogue, as the live projection does), the shadows replace the live
 * collections, and the held deliveries resume; what they carry is in the replay already or is
 * newer, and the projections are idempotent, so nothing is applied twice.
 */
export async function rebuildViews(deps: RebuildDeps, progress: RebuildProgress): Promise<void> {
  const { store, gates, log } = deps;
  const views = progress.views;
  const shadow = store.shadow(SHADOW_SUFFIX);
  const projectors = allProjectors({ store: shadow, cache: noCache, seeded: Promise.resolve(), derivedDelayMs: null, writeBehindMs: 0 }).filter((p) =>
    views.includes(p.view),
  );
  const types = [...new Set(projectors.flatMap((p) => [...p.events]))];
  const held = views.map((view) => gates.get(view)).filter((gate): gate is ProjectorGate => gate !== undefined);
  try {
    await Promise.all(held.map((gate) => gate.close()));
    for (const view of views) await shadow.clear(view);
    await shadow.ensureIndexes();
    if (views.includes('inventory_views')) {
      if (!deps.inventoryUrl) throw new Error("inventory_views starts from inventory-service's catalogue, and views has no INVENTORY_URL");
      await seedCatalogue(shadow, deps.inventoryUrl);
    }

    progress.phase = 'fetching';
    const events: EventEnvelope[] = [];
    for (const source of deps.sources) {
      const fetched = await fetchEvents(source, types, (n) => (progress.eventsFetched += n));
      progress.sources[source.name] = fetched.length;
      events.push(...fetched);
    }
    events.sort(replayOrder);

    progress.phase = 'replaying';
    await replay(projectors, events, () => progress.eventsApplied++);
    for (const projector of projectors) await projector.refresh?.();

    progress.phase = 'swapping';
    for (const view of views) {
      await shadow.replaceLive(view);
      for (const live of deps.projectors) if (live.view === view) live.forget?.();
      for (const name of VIEW_DATABASES[view]) progress.counts[`${view}.${name}`] = await store.collection(view, name).countDocuments();
      await store
        .collection(view, PROJECTOR_STATUS)
        .updateOne(
          { _id: 'status' } as never,
          { $set: { rebuiltAt: new Date().toISOString(), rebuiltFromEvents: events.length, projectionVersion: PROJECTION_VERSIONS[view] } },
          { upsert: true },
        );
    }
    await invalidateRebuilt(store, deps.cache, views);
    progress.phase = 'done';
  } catch (error) {
    progress.phase = 'failed';
    progress.error = error instanceof Error ? error.message : String(error);
    log.error('views rebuild failed; the live views are as they were', { views, ...errorFields(error) });
    for (const view of views) await shadow.clear(view).catch(() => undefined);
  } finally {
    progress.finishedAt = new Date().toISOString();
    for (const gate of held) gate.reopen();
  }
}

/**
 * Applies each event to every projector that reads it, the streams side by side (each stream's
 * events in order; the reductions do not depend on the order across streams, and the writes of
 * one document are serialized). One that follows something not yet applied is tried again after
 * the pass.
 */
async function replay(projectors: Projector[], events: EventEnvelope[], applied: () => void, parallel = 8): Promise<void> {
  let pending = events.flatMap((event) => projectors.filter((p) => p.events.includes(event.type)).map((projector) => ({ projector, event })));
  for (let pass = 0; pending.length > 0; pass++) {
    const deferred: typeof pending = [];
    const streams = new Map<string, typeof pending>();
    for (const item of pending) {
      const key = `${item.event.source}/${item.event.aggregateId}`;
      const stream = streams.get(key);
      if (stream) stream.push(item);
      else streams.set(key, [item]);
    }
    const queue = [...streams.values()];
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let stream = queue.shift(); stream; stream = queue.shift()) {
          for (const item of stream) {
            try {
              await item.projector.apply(item.event);
              applied();
            } catch (error) {
              if (!(error instanceof NotYetApplicableError)) throw error;
              deferred.push(item);
            }
          }
        }
      }),
    );
    if (deferred.length > 0 && (deferred.length === pending.length || pass >= 5)) {
      const first = deferred[0]!;
      throw new Error(
        `${deferred.length} events cannot be applied, e.g. ${first.event.type} ${first.event.id}: ${first.event.aggregateId} has no earlier event in the stores`,
      );
    }
    pending = deferred.sort((a, b) => replayOrder(a.event, b.event));
  }
}

/** The BFF's cached reads of what was rebuilt are stale now: bump their generations. */
async function invalidateRebuilt(store: ViewStore, cache: CacheInvalidator, views: ViewDatabase[]): Promise<void> {
  if (views.includes('inventory_views')) await cache.invalidate([productsGeneration], 'stock_levels');
  if (views.includes('user_views')) {
    const users = await store
      .collection('user_views', 'user_summary')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    for (let i = 0; i < users.length; i += 500)
      await cache.invalidate(
        users.slice(i, i + 500).map((u) => userGeneration(String(u._id))),
        'user_summary',
      );
  }
}

/** The rebuilds since views started; one runs at a time. */
export class Rebuilds {
  private readonly all = new Map<string, RebuildProgress>();
  private current: { progress: RebuildProgress; finished: Promise<void> } | undefined;

  constructor(private readonly deps: RebuildDeps) {}

  get running(): RebuildProgress | undefined {
    return this.current?.progress;
  }

  get(id: string): RebuildProgress | undefined {
    return this.all.get(id);
  }

  /** Starts a rebuild in the background; a 409 while another runs. */
  start(views: ViewDatabase[]): { progress: RebuildProgress; finished: Promise<void> } {
    if (this.current)
      throw new HttpError(
        409,
        'conflict',
        `rebuild ${this.current.progress.id} of ${this.current.progress.views.join(', ')} is running; follow it at GET /views/rebuild/${this.current.progress.id}`,
      );
    const progress: RebuildProgress = {
      id: randomUUID(),
      views,
      phase: 'fetching',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      eventsFetched: 0,
      eventsApplied: 0,
      sources: {},
      counts: {},
      error: null,
    };
    this.all.set(progress.id, progress);
    const finished = rebuildViews(this.deps, progress).finally(() => {
      this.current = undefined;
    });
    this.current = { progress, finished };
    return this.current;
  }

  /**
   * Builds from the event stores the views that were never built (what was published before
   * their queues existed, the seed's users say, never reached them) or were built by another
   * version of their projection. Retries until the services answer; the live projection goes on
   * meanwhile.
   */
  async bootstrap(views: ViewDatabase[], stopped: () => boolean): Promise<void> {
    for (let delay = 1000; views.length > 0 && !stopped(); delay = Math.min(delay * 2, 15_000)) {
      try {
        const { progress, finished } = this.start(views);
        await finished;
        if (progress.phase === 'done') {
          this.deps.log.info('views built from the event stores', { views, events: progress.eventsFetched });
          return;
        }
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
