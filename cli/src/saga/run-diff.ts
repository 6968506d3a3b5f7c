import type { RunResult } from './run.js';

/** Two recorded runs side by side: the figures that moved and the checks whose outcome changed. */
export interface RunDiff {
  a: string;
  b: string;
  rows: DiffRow[];
  /** Invariants and expectations whose result differs (null: the run did not have it). */
  changedChecks: { kind: 'invariant' | 'expectation'; name: string; a: boolean | null; b: boolean | null; detailsB: string | null }[];
}

export interface DiffRow {
  measure: string;
  a: number | string;
  b: number | string;
  /** b − a for numbers; null for text. */
  delta: number | null;
  /** (b − a) / a, when a ≠ 0. */
  relative: number | null;
}

const MEASURES: [string, (r: RunResult) => number | string][] = [
  ['verdict', (r) => r.verdict],
  [
    'load',
    (r) =>
      r.load?.model === 'open'
        ? `open ${r.load.rate}/s × ${r.load.durationMs / 1000} s`
        : r.load
          ? `closed ${r.load.orders} × ${r.load.concurrency}`
          : 'closed',
  ],
  ['seed', (r) => r.seed],
  ['orders placed', (r) => r.orders.placed],
  ['refused', (r) => r.orders.failedToPlace],
  ['confirmed', (r) => r.orders.confirmed],
  ['cancelled', (r) => r.orders.cancelled],
  ['stuck', (r) => r.orders.stuck],
  ['rejected', (r) => r.outcomes.rejected],
  ['released', (r) => r.compensations.released],
  ['refunded', (r) => r.compensations.refunded],
  ['notifications failed', (r) => r.outcomes.notificationsFailed],
  ['throughput (sagas/s)', (r) => r.throughput],
  ['latency p50 (ms)', (r) => r.latencyMs.p50],
  ['latency p95 (ms)', (r) => r.latencyMs.p95],
  ['latency p99 (ms)', (r) => r.latencyMs.p99],
  ['latency max (ms)', (r) => r.latencyMs.max],
  ['load time (ms)', (r) => r.durationMs.load],
  ['settle time (ms)', (r) => r.durationMs.settle],
];

export function diffRuns(a: { id: string; result: RunResult }, b: { id: string; result: RunResult }): RunDiff {
  const rows = MEASURES.map(([measure, read]): DiffRow => {
    const x = read(a.result);
    const y = read(b.result);
    if (typeof x === 'number' && typeof y === 'number') {
      const delta = Math.round((y - x) * 1000) / 1000;
      return { measure, a: x, b: y, delta, relative: x === 0 ? null : Math.round(((y - x) / x) * 1000) / 1000 };
    }
    return { measure, a: x, b: y, delta: null, relative: null };
  });
  const checks = (
    kind: 'invariant' | 'expectation',
    list: (r: RunResult) => { name: string; ok: boolean; details?: string; expected?: string; actual?: number }[],
  ) => {
    const before = new Map(list(a.result).map((c) => [c.name, c]));
    const after = new Map(list(b.result).map((c) => [c.name, c]));
    return [...new Set([...before.keys(), ...after.keys()])]
      .map((name) => ({ kind, name, a: before.get(name)?.ok ?? null, b: after.get(name)?.ok ?? null, detailsB: describe(after.get(name)) }))
      .filter((c) => c.a !== c.b);
  };
  return {
    a: a.id,
    b: b.id,
    rows,
    changedChecks: [...checks('invariant', (r) => r.invariants), ...checks('expectation', (r) => r.expectations)],
  };
}

function describe(check: { details?: string; expected?: string; actual?: number } | undefined): string | null {
  if (!check) return null;
  return check.details ?? `expected ${check.expected}, actual ${check.actual}`;
}

/** "+12 (+8.5%)", "−3", "=" or "pass → fail", for a table. */
export function formatChange(row: DiffRow): string {
  if (row.delta === null) return row.a === row.b ? '=' : `${row.a} → ${row.b}`;
  if (row.delta === 0) return '=';
  const sign = (x: number) => (x > 0 ? `+${x}` : `−${Math.abs(x)}`);
  return row.relative === null ? sign(row.delta) : `${sign(row.delta)} (${sign(Math.round(row.relative * 1000) / 10)}%)`;
}
