import type { MatrixCellResult, MatrixResult } from '../chaos/matrix.js';
import { formatDuration } from '../lab/duration.js';
import { paint, renderTable } from './output.js';

const HEADERS = ['fault', 'verdict', 'time to recover', 'affected', 'compensations', 'refused', 'notes'];

function recovery(cell: MatrixCellResult): string {
  if (!cell.recoveryMs) return 'not recovered';
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const { median, min, max } = cell.recoveryMs;
  return cell.runs.length > 1 && min !== max ? `${s(median)} s (${s(min)}–${s(max)})` : `${s(median)} s`;
}

/** A figure over the runs: one value, or the range when runs differ. */
function spread(values: number[]): string {
  if (values.length === 0) return '-';
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? String(min) : `${min}–${max}`;
}

function row(cell: MatrixCellResult, verdict: (pass: boolean, text: string) => string): string[] {
  const pass = cell.runs.length > 0 && cell.passed === cell.runs.length;
  const failing = cell.runs.find((r) => r.verdict === 'fail');
  return [
    cell.fault,
    verdict(pass, `${pass ? 'PASS' : 'FAIL'} ${cell.passed}/${cell.runs.length}`),
    recovery(cell),
    spread(cell.runs.map((r) => r.affected)),
    spread(cell.runs.map((r) => r.compensations.released + r.compensations.refunded)),
    spread(cell.runs.map((r) => r.orders.refused)),
    failing?.reasons[0] ?? '',
  ];
}

function loadLine(result: MatrixResult): string {
  const { load } = result;
  return `Load: scenario ${load.scenario}, ${load.orders} orders at concurrency ${load.concurrency}, seed ${load.seed}${load.runs > 1 ? ` (run i: seed + i)` : ''}; each fault injected when the first ${load.trigger} passed and held ${formatDuration(load.holdMs)}; ${load.runs} run${load.runs > 1 ? 's' : ''} per fault.`;
}

/** The matrix as a Markdown report (`--report chaos.md`). */
export function renderMatrixMarkdown(result: MatrixResult): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# frank chaos matrix',
    '',
    loadLine(result),
    '',
    'Time to recover: from the heal to the first probe saga placed after it that was confirmed. Affected: sagas in flight at the injection, placed while the fault was in force, or held back by it. Compensations: reservations released plus payments refunded. Refused: orders the lab did not accept while the fault was in force (the client got an error; nothing accepted was lost).',
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...result.cells.map(
      (cell) =>
        `| ${row(cell, (_, text) => `**${text}**`)
          .map(escape)
          .join(' | ')} |`,
    ),
    '',
    `Verdict: **${result.verdict.toUpperCase()}**: ${result.cells.filter((c) => c.runs.length > 0 && c.passed === c.runs.length).length} of ${result.cells.length} faults passed every run; took ${(result.durationMs / 1000).toFixed(0)} s.`,
    '',
  ];
  return lines.join('\n');
}

/** The matrix as a terminal table. */
export function renderMatrixTable(result: MatrixResult, color: boolean): string {
  const table = renderTable(
    HEADERS,
    result.cells.map((cell) => row(cell, (pass, text) => paint(text, pass ? 'green' : 'red', color))),
  );
  const verdict = result.verdict === 'pass' ? paint('PASS', 'green', color) : paint('FAIL', 'red', color);
  return `${loadLine(result)}\n${table}verdict: ${verdict} (${(result.durationMs / 1000).toFixed(0)} s)\n`;
}
