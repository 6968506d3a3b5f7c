import { errorFields, serviceUrlVariable, type ServiceDefinition, type SettingValues } from '@frank/kit';
import { MongoClient } from 'mongodb';
import { registerRoutes } from './api/routes.js';
import { noCache, redisInvalidator } from './cache/cache-invalidator.js';
import { LagWindow } from './messaging/lag-window.js';
import { ProjectorGate } from './messaging/projector-gate.js';
import { allProjectors } from './messaging/projectors.js';
import { runProjector } from './messaging/run-projector.js';
import { VIEWS_MONGO_OPTIONS } from './persistence/client-options.js';
import { watchClient } from './persistence/client-watchdog.js';
import { seedUntilDone } from './persistence/seed-catalogue.js';
import { PROJECTION_VERSIONS, PROJECTOR_STATUS, ViewStore, type ViewDatabase } from './persistence/view-databases.js';
import { Rebuilds, type EventSource } from './rebuild/rebuild-views.js';
import { settings as declared, EVENT_SOURCE_SERVICES } from './settings.js';

function eventSources(names: string, settings: SettingValues<typeof declared>): EventSource[] {
  return names
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => {
      if (!(EVENT_SOURCE_SERVICES as readonly string[]).includes(name))
        throw new Error(`VIEWS_EVENT_SOURCES names ${name}; the sources are ${EVENT_SOURCE_SERVICES.join(', ')}`);
      const variable = serviceUrlVariable(name) as keyof typeof settings;
      const url = settings[variable] as string | undefined;
      if (!url) throw new Error(`VIEWS_EVENT_SOURCES names ${name}, but ${variable} is not set`);
      return { name, url };
    });
}

/**
 * The read side's projectors: each view database of DESIGN.md has its own queue and consumer,
 * writes idempotently into Mongo, and invalidates the BFF's Redis cache after its write.
 */
export const definition: ServiceDefinition<typeof declared> = {
  name: 'views',
  settings: declared,
  async setup({ settings, app, log, amqp, onShutdown, addReadyCheck }) {
    if (!amqp) throw new Error('views needs AMQP_URL: it projects the events of frank.events');
    const sources = eventSources(settings.VIEWS_EVENT_SOURCES, settings);
    const client = new MongoClient(settings.MONGO_URL, VIEWS_MONGO_OPTIONS);
    const store = new ViewStore(client);
    const cache = settings.REDIS_URL ? redisInvalidator(settings.REDIS_URL, log) : noCache;
    let stopped = false;
    let seededNow = !settings.INVENTORY_URL;
    const stops: (() => void)[] = [];
    const watchdog = watchClient({ client, url: settings.MONGO_URL, clientOptions: VIEWS_MONGO_OPTIONS, log });
    onShutdown(async () => {
      stopped = true;
      watchdog.stop();
      for (const stop of stops) stop();
      await cache.close();
      await client.close().catch(() => undefined);
    });
    // Ready once the catalogue is in: a storefront opened after `frank up` shows every product.
    // Mongo is there when the client's own monitor reaches it: a ping would fail on a Mongo that is
    // only busy (FerretDB catching up after an outage answers it seconds late), and the lab would
    // take views for waiting when it is working. Before the monitor has said anything, a ping asks.
    let mongoReached: boolean | undefined;
    client.on('serverDescriptionChanged', (event) => (mongoReached = event.newDescription.type !== 'Unknown'));
    addReadyCheck(async () => {
      if (mongoReached) return;
      await client.db('admin').command({ ping: 1 });
    }, 'mongo');
    addReadyCheck(async () => {
      if (!seededNow) throw new Error(`the catalogue is not seeded yet from inventory-service (${settings.INVENTORY_URL}); see this service's log`);
    }, 'inventory');
    await store.ensureIndexes().catch((error: unknown) => log.warn('indexes not created yet (Mongo away?)', { error: String(error) }));

    const seeded = settings.INVENTORY_URL
      ? seedUntilDone(store, settings.INVENTORY_URL, log, () => stopped).then(() => void (seededNow = true))
      : Promise.resolve();
    const projectors = allProjectors({ store, cache, seeded, log });
    const gates = new Map<ViewDatabase, ProjectorGate>();
    const lags = new Map<ViewDatabase, LagWindow>();
    const rebuilds = new Rebuilds({ store, cache, gates, projectors, sources, inventoryUrl: settings.INVENTORY_URL, log });
    const toBuild = await viewsToBuild(
      store,
      projectors.map((p) => p.view),
    ).catch((error: unknown) => {
      log.warn('cannot tell which views need building (Mongo away?); not building them from the event stores', errorFields(error));
      return [];
    });
    for (const projector of projectors) {
      gates.set(projector.view, new ProjectorGate());
      lags.set(projector.view, new LagWindow());
      const running = await runProjector({
        amqp,
        log,
        projector,
        status: store.collection(projector.view, PROJECTOR_STATUS),
        prefetch: settings.VIEWS_PREFETCH,
        gate: gates.get(projector.view)!,
        lags: lags.get(projector.view),
      });
      stops.push(
        () => running.stop(),
        () => projector.stop?.(),
      );
      // Derived figures a crash may have left behind the documents they derive from.
      projector
        .refresh?.()
        .catch((error: unknown) => log.warn('derived view figures not recomputed at start', { view: projector.view, ...errorFields(error) }));
    }
    if (sources.length > 0)
      void seeded
        .then(() => rebuilds.bootstrap(toBuild, () => stopped))
        .catch((error: unknown) => log.error('building the views from the event stores failed', errorFields(error)));
    registerRoutes(app, { store, cache, projectors, lags, seeded: () => seededNow, rebuilds });
  },
};

/**
 * The views to build from the event stores at start: those never built (no projector status:
 * nothing applied to them, never rebuilt) and those whose documents an older projection wrote.
 */
async function viewsToBuild(store: ViewStore, views: ViewDatabase[]): Promise<ViewDatabase[]> {
  const build: ViewDatabase[] = [];
  for (const view of views) {
    const status = await store.collection(view, PROJECTOR_STATUS).findOne({ _id: 'status' } as never);
    if (!status || status.projectionVersion !== PROJECTION_VERSIONS[view]) build.push(view);
  }
  return build;
}
