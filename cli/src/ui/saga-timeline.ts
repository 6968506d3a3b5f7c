import type { SagaTimeline } from '../saga/timeline.js';
import { renderTable } from './output.js';

/** The timeline as a table: each step, its service, when, how long the relay took, and who consumed it how long after. */
export function renderTimeline(timeline: SagaTimeline): string {
  const head = [
    `order ${timeline.orderId}${timeline.sagaId ? `, saga ${timeline.sagaId}` : ''}`,
    timeline.order
      ? `order ${timeline.order.status}${timeline.order.cancelReason ? ` (${timeline.order.cancelReason})` : ''}, ${timeline.order.totalCents} cents`
      : "order: not in order-service's orders",
    timeline.saga ? `saga ${timeline.saga.status} after ${timeline.saga.step}` : undefined,
    timeline.payment ? `payment ${timeline.payment.status}${timeline.payment.failureReason ? ` (${timeline.payment.failureReason})` : ''}` : undefined,
    timeline.durationMs === null ? undefined : `${timeline.steps.length} steps over ${timeline.durationMs} ms`,
  ].filter(Boolean);
  const rows = timeline.steps.map((s) => [
    `+${s.offsetMs} ms`,
    s.service,
    s.type,
    s.external ? '(outside the saga databases)' : s.dispatchedAt ? `+${s.dispatchMs} ms` : `NOT DISPATCHED (${s.attempts ?? 0} attempts)`,
    s.consumers.length === 0 ? '-' : s.consumers.map((c) => `${c.handler}${c.gapMs === null ? '' : ` +${c.gapMs} ms`}`).join(', '),
  ]);
  return `${head.join('\n')}\n\n${renderTable(['at', 'service', 'event', 'dispatched', 'consumed by (after dispatch)'], rows)}`;
}
