import type { StuckReport } from '../saga/stuck.js';
import { renderTable } from './output.js';

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** One row per reason a saga stopped, or a sentence when none is stuck. */
export function renderStuck(report: StuckReport): string {
  if (report.stuck.length === 0) return `No saga is stuck: every order older than ${seconds(report.olderThanMs)} is CONFIRMED or CANCELLED.\n`;
  const rows = report.stuck.flatMap((s) =>
    s.reasons.map((reason, i) =>
      i === 0
        ? [s.orderId, s.status, seconds(s.ageMs), s.lastEvent ? `${s.lastEvent.type} (${s.lastEvent.service})` : '-', reason.where, reason.detail]
        : ['', '', '', '', reason.where, reason.detail],
    ),
  );
  const more =
    report.unsettled > report.stuck.length ? `\n…and ${report.unsettled - report.stuck.length} more unsettled orders (raise --limit to see them).\n` : '';
  return `${report.unsettled} saga${report.unsettled === 1 ? '' : 's'} stuck (unsettled for more than ${seconds(report.olderThanMs)}):\n\n${renderTable(['order', 'status', 'age', 'last event', 'stopped at', 'why'], rows)}${more}`;
}
