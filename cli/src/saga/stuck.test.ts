import { describe, expect, it } from 'vitest';
import type { QueueState } from './snapshot.js';
import { renderStuck } from '../ui/stuck-sagas.js';
import path from 'node:path';
import { loadSagaMap } from '../lab/manifests.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { loadTopology } from '../lab/topology.js';
import { diagnoseSaga } from './stuck.js';
import type { SagaTimeline, TimelineStep } from './timeline.js';

const NOW = Date.parse('2026-11-30T10:01:00Z');
const T0 = '2026-11-30T10:00:00.000Z';

function step(type: string, service: string, consumers: string[], overrides: Partial<TimelineStep> = {}): TimelineStep {
  return {
    eventId: `${type}-id`,
    type,
    service,
    stream: 'o-1',
    version: 1,
    causationId: null,
    at: T0,
    offsetMs: 0,
    dispatchedAt: '2026-11-30T10:00:00.005Z',
    dispatchMs: 5,
    attempts: 1,
    external: false,
    consumers: consumers.map((handler) => ({ handler, service: handler.split('.')[0]!, receivedAt: '2026-11-30T10:00:00.010Z', gapMs: 5 })),
    ...overrides,
  };
}

function timeline(steps: TimelineStep[], overrides: Partial<SagaTimeline> = {}): SagaTimeline {
  return {
    orderId: 'o-1',
    sagaId: 's-1',
    order: { status: 'PENDING', totalCents: 1000, cancelReason: null, createdAt: T0, updatedAt: T0 },
    saga: null,
    payment: null,
    steps,
    durationMs: 0,
    ...overrides,
  };
}

const { stepQueues } = await loadSagaMap(await loadTopology(path.join(REPOSITORY_ROOT, 'frank.yaml')));
const SAGA_QUEUES = [...new Set(Object.values(stepQueues).flat())];
const healthy = (): Map<string, QueueState | null> => new Map(SAGA_QUEUES.map((q) => [q, { messages: 0, consumers: 1 }]));
const created = (consumers = ['inventory.saga', 'payment.saga', 'notification.saga']) => step('order.created', 'order', consumers);

describe('where a stuck saga stopped', () => {
  it('an outbox row not dispatched, with the command that publishes it', () => {
    const reasons = diagnoseSaga(
      timeline([step('order.created', 'order', [], { dispatchedAt: null, dispatchMs: null, attempts: 3 })]),
      stepQueues,
      healthy(),
      [],
      NOW,
    );
    expect(reasons).toEqual([
      {
        kind: 'undispatched',
        where: 'order outbox',
        detail:
          'order.created (outbox row order.created-id) not dispatched after 3 attempts, 60 s old: is order running, and its broker link up? `npx frank outbox redrive --service order` publishes it',
      },
    ]);
  });

  it('a message waiting in a queue nobody consumes', () => {
    const queues = healthy();
    queues.set('payment.saga', { messages: 2, consumers: 0 });
    const reasons = diagnoseSaga(
      timeline([created(), step('inventory.reserved', 'inventory', ['order.saga'])], {
        order: { status: 'RESERVED', totalCents: 1, cancelReason: null, createdAt: T0, updatedAt: T0 },
      }),
      stepQueues,
      queues,
      [],
      NOW,
    );
    expect(reasons).toEqual([
      { kind: 'no-consumer', where: 'payment.saga', detail: 'inventory.reserved waits in payment.saga (2 ready) and no one consumes it: is payment running?' },
    ]);
  });

  it('a message in a dead-letter queue, named by its event id', () => {
    const reasons = diagnoseSaga(
      timeline([created(['payment.saga', 'notification.saga'])]),
      stepQueues,
      healthy(),
      [{ queue: 'inventory.saga.dlq', eventId: 'order.created-id', type: 'order.created', sagaId: 's-1', orderId: 'o-1', reason: 'rejected' }],
      NOW,
    );
    expect(reasons).toEqual([
      {
        kind: 'dead-lettered',
        where: 'inventory.saga.dlq',
        detail: 'order.created order.created-id is in inventory.saga.dlq (rejected): inventory gave up on it',
      },
    ]);
  });

  it('a message behind others, a queue that does not exist, a message nowhere to be seen', () => {
    const queues = healthy();
    queues.set('inventory.saga', { messages: 40, consumers: 1 });
    queues.set('payment.saga', null);
    const reasons = diagnoseSaga(timeline([created(['notification.saga'])]), stepQueues, queues, [], NOW);
    expect(reasons.map((r) => [r.kind, r.where])).toEqual([
      ['waiting-in-queue', 'inventory.saga'],
      ['queue-missing', 'payment.saga'],
    ]);
    expect(reasons[0]!.detail).toBe('order.created not yet handled by inventory.saga: 40 ready, 1 consumer');
    const lost = diagnoseSaga(timeline([created(['payment.saga', 'notification.saga'])]), stepQueues, healthy(), [], NOW);
    expect(lost).toEqual([
      {
        kind: 'not-consumed',
        where: 'inventory.saga',
        detail: "order.created is not in inventory.saga's inbox and inventory.saga has none ready: being retried (see `npx frank logs inventory`), or lost",
      },
    ]);
  });

  it('a payment waiting for the provider, or never accepted by it', () => {
    const steps = [created(), step('inventory.reserved', 'inventory', ['order.saga', 'payment.saga'])];
    const payment = {
      id: 'p-1',
      status: 'PENDING',
      providerRef: 'psp_1',
      failureReason: null,
      deadlineAt: '2026-11-30T10:01:05Z',
      providerAttempts: 1,
      providerError: null,
    };
    expect(diagnoseSaga(timeline(steps, { payment }), stepQueues, healthy(), [], NOW)).toEqual([
      {
        kind: 'waiting-for-provider',
        where: 'payment-provider webhook',
        detail: 'payment p-1 PENDING at the provider (psp_1): no webhook yet; deadline in 5 s',
      },
    ]);
    const unsent = { ...payment, providerRef: null, providerAttempts: 4, providerError: 'ECONNREFUSED', deadlineAt: '2026-11-30T10:00:30Z' };
    expect(diagnoseSaga(timeline(steps, { payment: unsent }), stepQueues, healthy(), [], NOW)).toEqual([
      {
        kind: 'provider-not-called',
        where: 'payment → payment-provider',
        detail:
          "payment p-1 PENDING: the provider has not accepted it (4 attempts, last: ECONNREFUSED); deadline passed 30 s ago: is payment's deadline sweeper running?",
      },
    ]);
  });

  it('an order without any event, and a saga where everything was handled but nothing followed', () => {
    expect(diagnoseSaga(timeline([]), stepQueues, healthy(), [], NOW)[0]!.kind).toBe('no-event');
    const released = step('inventory.released', 'inventory', ['order.saga']);
    expect(diagnoseSaga(timeline([created(), released]), stepQueues, healthy(), [], NOW)).toEqual([
      {
        kind: 'no-next-step',
        where: 'inventory',
        detail: 'every event was handled where it should be, and nothing followed inventory.released from inventory',
      },
    ]);
  });

  it('ignores consumers that do not hold an order back, and external messages', () => {
    const webhook = step('payment.webhook', 'eventbridge-bridge', ['payment.saga'], { external: true, dispatchedAt: null });
    const reasons = diagnoseSaga(timeline([created(), step('order.confirmed', 'order', []), webhook]), stepQueues, healthy(), [], NOW);
    expect(reasons.map((r) => r.kind)).toEqual(['no-next-step']);
  });

  it('renders one row per reason, and says when nothing is stuck', () => {
    const report = {
      checkedAt: T0,
      olderThanMs: 30_000,
      unsettled: 3,
      stuck: [
        {
          orderId: 'o-1',
          sagaId: 's-1',
          status: 'RESERVED',
          ageMs: 61_000,
          lastEvent: { type: 'inventory.reserved', service: 'inventory', at: T0 },
          reasons: [
            { kind: 'no-consumer' as const, where: 'payment.saga', detail: 'why 1' },
            { kind: 'not-consumed' as const, where: 'order.saga', detail: 'why 2' },
          ],
        },
      ],
      queues: [],
      peeked: [],
    };
    const text = renderStuck(report);
    expect(text).toMatch(/^3 sagas stuck \(unsettled for more than 30 s\):/);
    expect(text).toMatch(/o-1 +RESERVED +61 s +inventory\.reserved \(inventory\) +payment\.saga +why 1\n +order\.saga +why 2/);
    expect(text).toContain('…and 2 more unsettled orders (raise --limit to see them).');
    expect(renderStuck({ ...report, unsettled: 0, stuck: [] })).toBe('No saga is stuck: every order older than 30 s is CONFIRMED or CANCELLED.\n');
  });
});
