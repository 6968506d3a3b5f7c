import type { OutboxRow } from '../saga/outbox.js';
import { renderTable } from './output.js';

/** The undispatched outbox rows, one line each, or a sentence when there are none. */
export function renderOutbox(rows: OutboxRow[]): string {
  if (rows.length === 0) return 'Every outbox row is dispatched.\n';
  return renderTable(
    ['service', 'id', 'event type', 'aggregate', 'age', 'attempts'],
    rows.map((r) => [r.service, r.id, r.eventType, `${r.aggregateType} ${r.aggregateId}`, `${Math.round(r.ageMs / 100) / 10} s`, String(r.attempts)]),
  );
}
