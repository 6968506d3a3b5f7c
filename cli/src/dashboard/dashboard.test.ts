import { describe, expect, it } from 'vitest';
import { renderFrame, type DashboardFrame } from './dashboard.js';

const frame: DashboardFrame = {
  at: '2026-11-30T06:40:12.000Z',
  resources: [
    { name: 'order-db', kind: 'postgres', phase: 'healthy', health: 'healthy' },
    { name: 'rabbitmq', kind: 'rabbitmq', phase: 'healthy', health: 'healthy' },
    { name: 'payment', kind: 'service', phase: 'healthy', health: 'stopped' },
    { name: 'views', kind: 'service', phase: 'healthy', health: 'healthy' },
  ],
  orders: { CANCELLED: 2, CONFIRMED: 40, PENDING: 3 },
  settledPerSecond: 12.5,
  queues: [
    { queue: 'payment.saga', messages: 3 },
    { queue: 'order.saga', messages: 0 },
    { queue: 'views.order-views.dlq', messages: null },
  ],
  outbox: { order: 2, inventory: 0 },
  sagas: [],
  faults: [
    { id: 'f1', label: 'latency order-db 300ms', fault: { kind: 'link', command: 'latency', target: 'order-db', links: ['order.order-db'], toxic: { type: 'latency', attributes: { latency: 300, jitter: 0 } }, label: 'latency order-db 300ms' }, injectedAt: '2026-11-30T06:40:00.000Z', pid: 1 },
  ],
};

describe('renderFrame', () => {
  it('shows health, sagas per second, orders by state, the queues that hold messages and the outbox backlogs', () => {
    const text = renderFrame(frame, false);
    expect(text).toContain('06:40:12  3/4 healthy');
    expect(text).toMatch(/payment stopped/);
    expect(text).toContain('12.5 settled/s   orders: CANCELLED 2, CONFIRMED 40, PENDING 3');
    expect(text).toContain('queues    payment.saga 3, views.order-views.dlq missing');
    expect(text).toContain('outboxes  order 2');
    expect(text).toContain('faults    latency order-db 300ms');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('says when everything is quiet, and that the first frame has no rate yet', () => {
    const text = renderFrame({ ...frame, settledPerSecond: null, queues: [{ queue: 'order.saga', messages: 0 }], outbox: {}, faults: [] }, false);
    expect(text).toContain('sagas     - settled/s');
    expect(text).toContain('queues    all empty');
    expect(text).toContain('outboxes  all dispatched');
    expect(text).toContain('faults    none');
  });
});
