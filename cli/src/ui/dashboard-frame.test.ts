import { describe, expect, it } from 'vitest';
import type { DashboardFrame } from '../dashboard/dashboard.js';
import { renderFrame } from './dashboard-frame.js';
import { faultInForce } from './frame-fixture.js';

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
  faults: [],
};

describe('renderFrame', () => {
  it('shows health, sagas per second, orders by state, the queues that hold messages and the outbox backlogs', () => {
    const text = renderFrame(frame, false);
    expect(text).toContain('06:40:12  3/4 healthy');
    expect(text).toMatch(/payment stopped/);
    expect(text).toContain('12.5 settled/s   orders: CANCELLED 2, CONFIRMED 40, PENDING 3');
    expect(text).toContain('queues    payment.saga 3, views.order-views.dlq missing');
    expect(text).toContain('outboxes  order 2');
    expect(text).toContain('faults    none in force');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('says when everything is quiet, and that the first frame has no rate yet', () => {
    const text = renderFrame({ ...frame, settledPerSecond: null, queues: [{ queue: 'order.saga', messages: 0 }], outbox: {}, faults: [] }, false);
    expect(text).toContain('sagas     - settled/s');
    expect(text).toContain('queues    all empty');
    expect(text).toContain('outboxes  all dispatched');
    expect(text).toContain('faults    none');
  });

  it('lays the resources out three to a row, each column as wide as its widest cell', () => {
    const text = renderFrame(frame, false);
    expect(text).toContain('RESOURCES\norder-db healthy  rabbitmq healthy  payment stopped\nviews healthy\n');
  });

  it('names the faults in force, with when a --for one heals itself', () => {
    const text = renderFrame(
      { ...frame, faults: [faultInForce('kill-db:payment'), faultInForce('latency:order→order-db 800ms', '2026-11-30T06:41:02.000Z')] },
      false,
    );
    expect(text).toContain('faults    kill-db:payment, latency:order→order-db 800ms (heals at 06:41:02)');
  });
});
