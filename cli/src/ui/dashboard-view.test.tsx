import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { DashboardFrame } from '../dashboard/dashboard.js';
import { faultInForce } from './frame-fixture.js';
import { DashboardView } from './dashboard-view.js';

const frame: DashboardFrame = {
  at: '2026-11-30T06:40:12.000Z',
  resources: [
    { name: 'order-db', kind: 'postgres', phase: 'healthy', health: 'healthy' },
    { name: 'payment-db', kind: 'postgres', phase: 'healthy', health: 'stopped' },
    { name: 'rabbitmq', kind: 'rabbitmq', phase: 'healthy', health: 'healthy' },
    { name: 'payment', kind: 'service', phase: 'healthy', health: 'unhealthy' },
    { name: 'views', kind: 'service', phase: 'healthy', health: 'healthy' },
  ],
  orders: { CANCELLED: 2, CONFIRMED: 40, PENDING: 3 },
  settledPerSecond: 12.5,
  queues: [
    { queue: 'payment.saga', messages: 17 },
    { queue: 'order.saga', messages: 0 },
    { queue: 'views.order-views.dlq', messages: null },
  ],
  outbox: { order: 4, inventory: 0 },
  sagas: [],
  faults: [faultInForce('kill-db:payment-db'), faultInForce('latency:order→order-db 800ms', '2026-11-30T06:41:02.000Z')],
};

describe('DashboardView', () => {
  it('shows healthy and unhealthy units, sagas per second, queue depths, backlogs and the faults in force', () => {
    const lines = render(<DashboardView frame={frame} color={false} />)
      .lastFrame()!
      .split('\n');
    expect(lines[0]).toBe('frank dashboard  06:40:12  3/5 healthy');
    // Each column as wide as its widest cell: `payment unhealthy` sets the first.
    expect(lines.slice(2, 5)).toEqual(['RESOURCES', 'order-db healthy   payment-db stopped  rabbitmq healthy', 'payment unhealthy  views healthy']);
    expect(lines).toContain('sagas     12.5 settled/s   orders: CANCELLED 2, CONFIRMED 40, PENDING 3');
    // Only the queues that hold messages (or are missing) are named, with their depths.
    expect(lines).toContain('queues    payment.saga 17, views.order-views.dlq missing');
    expect(lines).toContain('outboxes  order 4');
    expect(lines).toContain('faults    kill-db:payment-db, latency:order→order-db 800ms (heals at 06:41:02)');
    expect(lines.at(-1)).toBe('(Ctrl-C to leave)');
  });

  it('says when all is quiet, and that the first frame has no rate yet', () => {
    const quiet = {
      ...frame,
      resources: frame.resources.map((r) => ({ ...r, health: 'healthy' as const })),
      settledPerSecond: null,
      queues: [],
      outbox: {},
      faults: [],
    };
    const text = render(<DashboardView frame={quiet} color={false} />).lastFrame()!;
    expect(text).toContain('5/5 healthy');
    expect(text).not.toMatch(/unhealthy|stopped/);
    expect(text).toContain('sagas     - settled/s');
    expect(text).toContain('queues    all empty');
    expect(text).toContain('outboxes  all dispatched');
    expect(text).toContain('faults    none in force');
  });

  it('redraws in place as frames come, and keeps the last without the hint once left', () => {
    const view = render(<DashboardView color={false} />);
    expect(view.lastFrame()).toBe('Reading the lab…');
    view.rerender(<DashboardView frame={frame} color={false} />);
    expect(view.lastFrame()).toContain('3/5 healthy');
    view.rerender(<DashboardView frame={{ ...frame, at: '2026-11-30T06:40:13.000Z', queues: [{ queue: 'payment.saga', messages: 2 }] }} color={false} />);
    expect(view.lastFrame()).toContain('06:40:13');
    expect(view.lastFrame()).toContain('queues    payment.saga 2');
    view.rerender(<DashboardView frame={frame} color={false} left />);
    expect(view.lastFrame()).not.toContain('Ctrl-C');
  });

  it('lays out the grid as the text frame does', async () => {
    const { renderFrame } = await import('./dashboard-frame.js');
    const ink = render(<DashboardView frame={frame} color={false} left />).lastFrame()!;
    expect(ink).toBe(renderFrame(frame, false));
  });
});
