import { describeLoad } from '../saga/describe-load.js';
import { safetyLimitNote, type RunResult } from '../saga/run.js';
import { paint, renderTable } from './output.js';

/** The human summary of a run: states, compensations, throughput, latency, expectations, invariants. */
export function renderSummary(result: RunResult, color: boolean): string {
  const mark = (ok: boolean) => (ok ? paint('ok', 'green', color) : paint('FAIL', 'red', color));
  const { orders, compensations, outcomes, latencyMs } = result;
  const figures = renderTable(
    ['measure', 'value'],
    [
      ['load', describeLoad(result)],
      [
        'orders placed',
        String(orders.placed) +
          (orders.failedToPlace ? ` (+${orders.failedToPlace} refused)` : '') +
          (orders.shedRetries ? ` (${orders.shedRetries} sent again after order-service shed them: over its in-flight bound)` : ''),
      ],
      ['confirmed / cancelled / stuck', `${orders.confirmed} / ${orders.cancelled} / ${orders.stuck}`],
      ['rejected (out of stock)', String(outcomes.rejected)],
      ['compensations: released / refunded', `${compensations.released} / ${compensations.refunded}`],
      ['notifications failed', String(outcomes.notificationsFailed)],
      ['throughput', `${result.throughput} sagas/s`],
      ['latency p50 / p95 / p99', `${latencyMs.p50} / ${latencyMs.p95} / ${latencyMs.p99} ms`],
      ['load / settle', `${(result.durationMs.load / 1000).toFixed(1)} s / ${(result.durationMs.settle / 1000).toFixed(1)} s`],
      ...(result.flags ?? []).map((f) => [
        `flag ${f.flag}`,
        `${f.set ? 'on' : 'off'} before order ${f.beforeOrder + 1}, ${f.seenAfterMs === null ? 'not read by its service within 10 s' : `read after ${f.seenAfterMs} ms`} (set back after the run)`,
      ]),
    ],
  );
  const expectations = result.expectations.length
    ? renderTable(
        ['expectation', 'expected', 'actual', 'result'],
        result.expectations.map((e) => [e.name, e.expected, String(e.actual), mark(e.ok)]),
      )
    : 'no expectations beyond the invariants\n';
  const invariants = renderTable(
    ['invariant', 'result', 'details'],
    result.invariants.map((i) => [i.name, mark(i.ok), i.details]),
  );
  const verdict = result.verdict === 'pass' ? paint('PASS', 'green', color) : paint('FAIL', 'red', color);
  const limit = safetyLimitNote(result);
  const notes = [
    ...(limit ? [limit] : []),
    ...(result.stuckOrderIds.length ? [`stuck orders: ${result.stuckOrderIds.slice(0, 10).join(', ')}`] : []),
    ...(result.chaos ?? []).map(
      (c) =>
        `chaos: ${c.fault} ${c.error ? `failed: ${c.error}` : c.injectedAtMs === null ? 'never went in (the run ended first)' : `in force ${(c.injectedAtMs / 1000).toFixed(1)}–${c.healedAtMs === null ? '?' : (c.healedAtMs / 1000).toFixed(1)} s`}`,
    ),
    ...result.failures.map((f) => `POST /orders refused: ${f}`),
  ];
  return `${figures}\n${expectations}\n${invariants}\n${notes.join('\n')}\nverdict: ${verdict} (${result.scenario}, seed ${result.seed}${result.runId ? `, run ${result.runId}` : ''})`;
}
