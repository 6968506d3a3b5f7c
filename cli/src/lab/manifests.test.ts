import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { loadManifest, loadSagaMap } from './manifests.js';
import { REPOSITORY_ROOT } from './paths.js';
import { loadTopology } from './topology.js';

const scratch = await mkdtemp(path.join(os.tmpdir(), 'frank-manifests-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function manifestIn(service: string, text: string): Promise<void> {
  await mkdir(path.join(scratch, 'services', service), { recursive: true });
  await writeFile(path.join(scratch, 'services', service, 'service.yaml'), text);
}

describe('service manifests', () => {
  it("give the saga tools the repository's participants and every consumer queue", async () => {
    const saga = await loadSagaMap(await loadTopology(path.join(REPOSITORY_ROOT, 'frank.yaml')));
    expect(saga.participants).toEqual(['user', 'inventory', 'order', 'payment', 'notification', 'analytics']);
    expect(saga.queues.sort()).toEqual(
      [
        'analytics.events',
        'inventory.product-images',
        'inventory.saga',
        'notification.saga',
        'order.saga',
        'payment.saga',
        'rabbitmq-bridge.outcomes',
        'views.inventory-views',
        'views.notification-views',
        'views.order-views',
        'views.user-views',
      ].sort(),
    );
    // Every event someone consumes is published by someone (or is every event, '#').
    const published = new Set(saga.manifests.flatMap((m) => m.publishes));
    const consumed = saga.manifests.flatMap((m) => Object.values(m.consumes).flat()).filter((type) => type !== '#');
    expect(consumed.filter((type) => !published.has(type))).toEqual([]);
  });

  it('derive which queues hold an order back, per event, leaving out the observers', async () => {
    const saga = await loadSagaMap(await loadTopology(path.join(REPOSITORY_ROOT, 'frank.yaml')));
    // services/README.md, the choreography: analytics, views and the outcome bridge only watch.
    expect(saga.stepQueues).toEqual({
      'order.created': ['inventory.saga', 'notification.saga', 'payment.saga'],
      'inventory.reserved': ['order.saga', 'payment.saga'],
      'inventory.reservation-failed': ['order.saga'],
      'inventory.released': ['order.saga'],
      'payment.webhook': ['payment.saga'],
      'payment.completed': ['inventory.saga', 'notification.saga', 'order.saga'],
      'payment.failed': ['inventory.saga', 'order.saga'],
      'payment.refunded': ['order.saga'],
      'analytics.recorded': ['order.saga'],
      // Not a saga event: no order carries it, so no order is ever held back by it.
      'product.image-ready': ['inventory.product-images'],
    });
    expect(saga.reports).toEqual({
      orders: 'order',
      stock: 'inventory',
      reservations: 'inventory',
      commits: 'inventory',
      payments: 'payment',
      deliveries: 'notification',
      sales: 'analytics',
      cube_refreshes: 'analytics',
      customers: 'user',
    });
  });

  it('refuse two services that report the same view', async () => {
    await manifestIn('a', 'reports: [orders]\n');
    await manifestIn('b', 'reports: [orders]\n');
    const topology = { root: scratch, services: [{ name: 'a' }, { name: 'b' }], resources: [], links: [] } as unknown as Parameters<typeof loadSagaMap>[0];
    await expect(loadSagaMap(topology)).rejects.toThrow('Both a and b report saga_report.orders in their manifests.');
  });

  it('reads a service without a manifest as publishing and consuming nothing', async () => {
    expect(await loadManifest({ root: scratch }, 'bff')).toEqual({ service: 'bff', publishes: [], consumes: {}, observer: false, reports: [] });
  });

  it('refuses a broken manifest with its file, line and key', async () => {
    await manifestIn('shipping', 'publishes: [shipping.scheduled]\nconsumes:\n  shipping.saga: [Payment Completed]\n');
    const error = await loadManifest({ root: scratch }, 'shipping').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(
      /services\/shipping\/service\.yaml:3: consumes\.shipping\.saga\.0: must be an event type such as order\.created$/,
    );
    await manifestIn('shipping', 'publishes: [shipping.scheduled]\nqueues: [shipping.saga]\n');
    expect(((await loadManifest({ root: scratch }, 'shipping').catch((e: unknown) => e)) as UsageError).message).toMatch(
      /service\.yaml:2: \(top level\): unknown key; a manifest has publishes, consumes, observer and reports$/,
    );
  });
});
