import { safetyLimitNote, type RunResult } from './run.js';
import { describeLoad } from './describe-load.js';

/** A run as Markdown: states, compensations, throughput, latency, expectations, invariants, and the two charts by file name. */
export function renderMarkdownReport(result: RunResult, images: { latency: string; throughput: string }): string {
  const { orders, compensations, outcomes, latencyMs } = result;
  const verdict = result.verdict === 'pass' ? 'PASS' : 'FAIL';
  const lines: string[] = [];
  lines.push(`# Saga run ${cell(result.scenario)}: ${verdict}`, '');
  lines.push(`- run: ${result.runId ? `\`${result.runId}\`` : '(not recorded)'}`);
  lines.push(`- started: ${result.startedAt}`);
  lines.push(`- load: ${cell(describeLoad(result))}`);
  lines.push(`- seed: ${result.seed}`);
  lines.push(`- load ${(result.durationMs.load / 1000).toFixed(1)} s, settle ${(result.durationMs.settle / 1000).toFixed(1)} s`, '');

  lines.push('## Orders', '');
  lines.push(
    ...table(
      ['state', 'orders'],
      [
        ['placed', String(orders.placed)],
        ['refused by POST /orders', String(orders.failedToPlace)],
        ['confirmed', String(orders.confirmed)],
        ['cancelled', String(orders.cancelled)],
        ['stuck (not settled in time)', String(orders.stuck)],
        ['rejected (out of stock)', String(outcomes.rejected)],
        ['notifications failed', String(outcomes.notificationsFailed)],
      ],
    ),
    '',
  );

  lines.push('## Compensations', '');
  lines.push(
    ...table(
      ['compensation', 'orders'],
      [
        ['reservation released', String(compensations.released)],
        ['payment refunded', String(compensations.refunded)],
      ],
    ),
    '',
  );

  lines.push('## Throughput and latency', '');
  lines.push(
    ...table(
      ['throughput (sagas/s)', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'max (ms)'],
      [[String(result.throughput), String(latencyMs.p50), String(latencyMs.p95), String(latencyMs.p99), String(latencyMs.max)]],
    ),
    '',
  );
  lines.push(`![Latency histogram](${encodeURI(images.latency)})`, '');
  lines.push(`![Throughput over time](${encodeURI(images.throughput)})`, '');

  lines.push('## Expectations', '');
  if (result.expectations.length === 0) lines.push('The scenario expects nothing beyond the invariants.', '');
  else
    lines.push(
      ...table(
        ['expectation', 'expected', 'actual', 'result'],
        result.expectations.map((e) => [e.name, e.expected, String(e.actual), e.ok ? 'ok' : '**FAIL**']),
      ),
      '',
    );

  lines.push('## Invariants', '');
  lines.push(
    ...table(
      ['invariant', 'result', 'details'],
      result.invariants.map((i) => [i.name, i.ok ? 'ok' : '**FAIL**', i.details]),
    ),
    '',
  );

  const limit = safetyLimitNote(result);
  const notes = [
    ...(limit ? [limit] : []),
    ...(result.stuckOrderIds.length ? [`stuck orders (see \`npx frank saga show <id>\`): ${result.stuckOrderIds.map((id) => `\`${id}\``).join(', ')}`] : []),
    ...result.failures.map((f) => `POST /orders refused: ${f}`),
  ];
  if (notes.length) lines.push('## Notes', '', ...notes.map((n) => `- ${cell(n)}`), '');
  return lines.join('\n');
}

function table(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.map(cell).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** Text safe in a Markdown table cell: no pipe ends the cell, no newline ends the row, no HTML. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}
