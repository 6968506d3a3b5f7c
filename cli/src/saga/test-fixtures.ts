import type { RunResult } from './run.js';

/** A run result as `frank saga run` makes it, for the renderers' and the diff's tests. */
export function sampleRunResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    runId: '20261130-053412-happy-path',
    scenario: 'happy-path',
    verdict: 'pass',
    seed: 7,
    startedAt: '2026-11-30T05:34:12.345Z',
    load: { model: 'open', rate: 5, durationMs: 4000, maxInFlight: 1000, arrivals: 20, skippedArrivals: 0, peakInFlight: 6 },
    orders: { placed: 20, confirmed: 18, cancelled: 2, stuck: 0, failedToPlace: 0 },
    compensations: { released: 2, refunded: 1 },
    outcomes: { rejected: 0, notificationsFailed: 1 },
    throughput: 4.2,
    latencyMs: { p50: 180.5, p95: 410, p99: 612.3, max: 640 },
    durationMs: { load: 4750, settle: 900 },
    expectations: [
      { name: 'confirmed', expected: '>= 15', actual: 18, ok: true },
      { name: 'refunded', expected: 'none', actual: 1, ok: false },
    ],
    invariants: [
      { name: 'orders-settled', ok: true, details: '20 orders, every one CONFIRMED or CANCELLED', ids: [] },
      { name: 'money-balanced', ok: false, details: '1 offending: o-1 (CONFIRMED: captured 500 − refunded 0 = 500, expected 1000)', ids: ['o-1'] },
    ],
    stuckOrderIds: [],
    failures: [],
    throughputPerSecond: [3, 5, 6, 4, 2],
    latencyHistogram: [
      { fromMs: 0, toMs: 50, count: 0 },
      { fromMs: 50, toMs: 100, count: 2 },
      { fromMs: 100, toMs: 150, count: 0 },
      { fromMs: 150, toMs: 200, count: 9 },
      { fromMs: 200, toMs: 250, count: 9 },
    ],
    ...overrides,
  };
}
