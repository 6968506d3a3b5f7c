import { describe, expect, it } from 'vitest';
import { diffRuns, formatChange } from './run-diff.js';
import { sampleRunResult } from './test-fixtures.js';

describe('diff of two runs', () => {
  const a = { id: 'A', result: sampleRunResult() };
  const b = {
    id: 'B',
    result: sampleRunResult({
      verdict: 'fail',
      throughput: 3.15,
      latencyMs: { p50: 180.5, p95: 820, p99: 900, max: 1200 },
      orders: { placed: 20, confirmed: 17, cancelled: 2, stuck: 1, failedToPlace: 0 },
      invariants: [
        { name: 'orders-settled', ok: false, details: '1 offending: o-7 (RESERVED)', ids: ['o-7'] },
        { name: 'money-balanced', ok: false, details: 'still wrong', ids: ['o-1'] },
        { name: 'queues-empty', ok: true, details: 'every consumer queue empty', ids: [] },
      ],
      expectations: [{ name: 'confirmed', expected: '>= 15', actual: 17, ok: true }],
    }),
  };
  const diff = diffRuns(a, b);
  const row = (measure: string) => diff.rows.find((r) => r.measure === measure)!;

  it('compares verdict, counts, throughput and latency percentiles', () => {
    expect(diff.a).toBe('A');
    expect(diff.b).toBe('B');
    expect(row('verdict')).toEqual({ measure: 'verdict', a: 'pass', b: 'fail', delta: null, relative: null });
    expect(row('stuck')).toEqual({ measure: 'stuck', a: 0, b: 1, delta: 1, relative: null });
    expect(row('confirmed')).toEqual({ measure: 'confirmed', a: 18, b: 17, delta: -1, relative: -0.056 });
    expect(row('throughput (sagas/s)')).toEqual({ measure: 'throughput (sagas/s)', a: 4.2, b: 3.15, delta: -1.05, relative: -0.25 });
    expect(row('latency p95 (ms)')).toMatchObject({ a: 410, b: 820, delta: 410, relative: 1 });
    expect(row('latency p50 (ms)')).toMatchObject({ delta: 0, relative: 0 });
    expect(diff.rows.map((r) => r.measure)).toEqual(expect.arrayContaining(['latency p99 (ms)', 'released', 'refunded', 'orders placed', 'load']));
  });

  it('lists only the checks whose result changed, including ones only one run has', () => {
    expect(diff.changedChecks).toEqual([
      { kind: 'invariant', name: 'orders-settled', a: true, b: false, detailsB: '1 offending: o-7 (RESERVED)' },
      { kind: 'invariant', name: 'queues-empty', a: null, b: true, detailsB: 'every consumer queue empty' },
      { kind: 'expectation', name: 'refunded', a: false, b: null, detailsB: null },
    ]);
    expect(diffRuns(a, a).changedChecks).toEqual([]);
  });

  it('writes changes for a reader', () => {
    expect(formatChange(row('verdict'))).toBe('pass → fail');
    expect(formatChange(row('throughput (sagas/s)'))).toBe('−1.05 (−25%)');
    expect(formatChange(row('latency p95 (ms)'))).toBe('+410 (+100%)');
    expect(formatChange(row('stuck'))).toBe('+1');
    expect(formatChange(row('latency p50 (ms)'))).toBe('=');
    expect(formatChange(row('load'))).toBe('=');
  });
});
