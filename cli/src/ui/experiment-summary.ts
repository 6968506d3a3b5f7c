import type { ExperimentResult } from '../chaos/experiment.js';
import { paint, renderTable } from './output.js';

function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;
}

/** The human summary of one chaos experiment: the timeline, what it did to the sagas, the invariants, the verdict. */
export function renderExperiment(result: ExperimentResult, color: boolean): string {
  const mark = (ok: boolean) => (ok ? paint('ok', 'green', color) : paint('FAIL', 'red', color));
  const { orders, injection, recovery } = result;
  const figures = renderTable(
    ['measure', 'value'],
    [
      ['steady state before', result.steadyState.ok ? 'held' : 'did not hold'],
      ['fault', `${result.fault}, in force ${seconds(injection.atMs)} → ${seconds(injection.healedAtMs)} (from the first ${result.trigger.event})`],
      ['heal took', seconds(injection.healMs)],
      [
        'time to recover',
        recovery.ms === null ? 'not recovered' : `${seconds(recovery.ms)} (heal began → first probe saga confirmed; ${recovery.probes} probes)`,
      ],
      ['sagas affected', String(result.affected)],
      ['orders placed / refused', `${orders.placed} / ${orders.refused}`],
      ['confirmed / cancelled / stuck', `${orders.confirmed} / ${orders.cancelled} / ${orders.stuck}`],
      ['compensations: released / refunded', `${result.compensations.released} / ${result.compensations.refunded}`],
      ['took', seconds(result.durationMs)],
    ],
  );
  const invariants = result.invariants.length
    ? renderTable(
        ['invariant', 'result', 'details'],
        result.invariants.map((i) => [i.name, mark(i.ok), i.details]),
      )
    : '';
  const verdict = result.verdict === 'pass' ? paint('PASS', 'green', color) : paint('FAIL', 'red', color);
  const reasons = result.reasons.map((r) => `  - ${r}`);
  return [
    figures,
    invariants,
    ...(reasons.length ? ['why:', ...reasons] : []),
    `verdict: ${verdict} (${result.fault} under ${result.scenario}, seed ${result.seed})`,
  ]
    .filter(Boolean)
    .join('\n');
}
