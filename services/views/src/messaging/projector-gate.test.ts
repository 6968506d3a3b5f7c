import { describe, expect, it } from 'vitest';
import { LagWindow } from './lag-window.js';
import { ProjectorGate } from './projector-gate.js';

describe('ProjectorGate', () => {
  it('closes only once what is in flight is done, holds new deliveries, and lets them on when reopened', async () => {
    const gate = new ProjectorGate();
    const order: string[] = [];
    await gate.enter();
    const closed = gate.close().then(() => order.push('closed'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    gate.done();
    await closed;
    const held = gate.enter().then(() => order.push('entered'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['closed']);
    gate.reopen();
    await held;
    expect(order).toEqual(['closed', 'entered']);
    expect(gate.isClosed).toBe(false);
  });
});

describe('LagWindow', () => {
  it('answers percentiles over its last samples', () => {
    const lags = new LagWindow(100);
    expect(lags.summary()).toBeNull();
    for (let i = 1; i <= 200; i++) lags.record(i);
    expect(lags.summary()).toEqual({ samples: 100, p50: 150, p99: 199, max: 200 });
  });
});
