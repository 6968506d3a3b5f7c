import { peekDeadLetters, type DeadLetter } from './dead-letters.js';
import type { SagaMap } from '../lab/manifests.js';
import type { LabAccess } from './lab-access.js';
import { queueStates, type QueueState } from './snapshot.js';
import { readSagaTimeline, type SagaTimeline } from './timeline.js';

export type StuckKind =
  | 'undispatched'
  | 'dead-lettered'
  | 'queue-missing'
  | 'no-consumer'
  | 'waiting-in-queue'
  | 'not-consumed'
  | 'provider-not-called'
  | 'waiting-for-provider'
  | 'no-event'
  | 'no-next-step';

export interface StuckReason {
  kind: StuckKind;
  /** The outbox, queue or service where the saga waits. */
  where: string;
  detail: string;
}

export interface StuckSaga {
  orderId: string;
  sagaId: string | null;
  status: string;
  ageMs: number;
  lastEvent: { type: string; service: string; at: string } | null;
  reasons: StuckReason[];
}

export interface StuckReport {
  checkedAt: string;
  olderThanMs: number;
  /** Unsettled orders older than the grace period, of which the first `limit` are diagnosed. */
  unsettled: number;
  stuck: StuckSaga[];
  queues: { queue: string; messages: number | null; consumers: number | null }[];
  /** Dead-letter queues read (and put back) for the diagnosis; empty with --no-peek. */
  peeked: string[];
}

const serviceOf = (queue: string) => queue.split('.')[0]!;
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Why one saga waits, from its timeline and the broker's state: pure, so every branch is tested.
 * `stepQueues` (from the manifests) says which queues must handle each event before an order can
 * settle; observers (analytics, views, the bridges) do not hold an order back.
 */
export function diagnoseSaga(
  timeline: SagaTimeline,
  stepQueues: SagaMap['stepQueues'],
  queues: Map<string, QueueState | null>,
  deadLetters: DeadLetter[],
  now: number,
): StuckReason[] {
  const reasons: StuckReason[] = [];
  for (const step of timeline.steps) {
    if (step.external) continue;
    if (!step.dispatchedAt) {
      reasons.push({
        kind: 'undispatched',
        where: `${step.service} outbox`,
        detail: `${step.type} (outbox row ${step.eventId}) not dispatched after ${step.attempts ?? 0} attempts, ${seconds(now - Date.parse(step.at))} old: is ${step.service} running, and its broker link up? \`npx frank outbox redrive --service ${step.service}\` publishes it`,
      });
      continue;
    }
    for (const queue of stepQueues[step.type] ?? []) {
      if (step.consumers.some((c) => c.handler === queue)) continue;
      const dead = deadLetters.find((d) => d.eventId === step.eventId && d.queue === `${queue}.dlq`);
      const state = queues.get(queue);
      if (dead)
        reasons.push({
          kind: 'dead-lettered',
          where: dead.queue,
          detail: `${step.type} ${step.eventId} is in ${dead.queue}${dead.reason ? ` (${dead.reason})` : ''}: ${serviceOf(queue)} gave up on it`,
        });
      else if (!state)
        reasons.push({
          kind: 'queue-missing',
          where: queue,
          detail: `${queue} does not exist: ${step.type} had nowhere to go (has ${serviceOf(queue)} ever started?)`,
        });
      else if (state.consumers === 0)
        reasons.push({
          kind: 'no-consumer',
          where: queue,
          detail: `${step.type} waits in ${queue} (${state.messages} ready) and no one consumes it: is ${serviceOf(queue)} running?`,
        });
      else if (state.messages > 0)
        reasons.push({
          kind: 'waiting-in-queue',
          where: queue,
          detail: `${step.type} not yet handled by ${queue}: ${state.messages} ready, ${state.consumers} consumer${state.consumers === 1 ? '' : 's'}`,
        });
      else
        reasons.push({
          kind: 'not-consumed',
          where: queue,
          detail: `${step.type} is not in ${queue}'s inbox and ${queue} has none ready: being retried (see \`npx frank logs ${serviceOf(queue)}\`), or lost`,
        });
    }
  }
  if (reasons.length > 0) return reasons;
  const last = timeline.steps.at(-1);
  if (!last)
    return [
      {
        kind: 'no-event',
        where: 'order',
        detail: `order ${timeline.order?.status ?? 'unknown'} but no saga database has an event of it: order.created was never appended`,
      },
    ];
  const payment = timeline.payment;
  if (payment?.status === 'PENDING') {
    const deadline = Date.parse(payment.deadlineAt) - now;
    const due = deadline >= 0 ? `deadline in ${seconds(deadline)}` : `deadline passed ${seconds(-deadline)} ago: is payment's deadline sweeper running?`;
    if (!payment.providerRef) {
      return [
        {
          kind: 'provider-not-called',
          where: 'payment → payment-provider',
          detail: `payment ${payment.id} PENDING: the provider has not accepted it (${payment.providerAttempts} attempts${payment.providerError ? `, last: ${payment.providerError}` : ''}); ${due}`,
        },
      ];
    }
    return [
      {
        kind: 'waiting-for-provider',
        where: 'payment-provider webhook',
        detail: `payment ${payment.id} PENDING at the provider (${payment.providerRef}): no webhook yet; ${due}`,
      },
    ];
  }
  return [
    { kind: 'no-next-step', where: last.service, detail: `every event was handled where it should be, and nothing followed ${last.type} from ${last.service}` },
  ];
}

export async function findStuckSagas(access: LabAccess, options: { olderThanMs: number; peek: boolean; limit: number }): Promise<StuckReport> {
  const { rows } = await access
    .report('orders')
    .query<{ id: string; status: string; age_ms: number }>(
      "SELECT id::text, status, (extract(epoch FROM clock_timestamp() - created_at) * 1000)::float8 AS age_ms FROM saga_report.orders WHERE status NOT IN ('CONFIRMED', 'CANCELLED') AND created_at < clock_timestamp() - $1 * interval '1 millisecond' ORDER BY created_at",
      [options.olderThanMs],
    );
  const sagaQueues = [...new Set(Object.values(access.saga.stepQueues).flat())].sort();
  const states = await queueStates(access.amqpUrl, sagaQueues);
  const queues = new Map(states.map((s) => [s.queue, s.state]));
  const dlqs = sagaQueues.map((q) => `${q}.dlq`);
  const deadLetters = options.peek && rows.length > 0 ? await peekDeadLetters(access.amqpUrl, dlqs) : [];
  const stuck: StuckSaga[] = [];
  for (const row of rows.slice(0, options.limit)) {
    const timeline = await readSagaTimeline(access, row.id);
    const last = timeline.steps.at(-1);
    stuck.push({
      orderId: row.id,
      sagaId: timeline.sagaId,
      status: row.status,
      ageMs: Math.round(row.age_ms),
      lastEvent: last ? { type: last.type, service: last.service, at: last.at } : null,
      reasons: diagnoseSaga(timeline, access.saga.stepQueues, queues, deadLetters, Date.now()),
    });
  }
  return {
    checkedAt: new Date().toISOString(),
    olderThanMs: options.olderThanMs,
    unsettled: rows.length,
    stuck,
    queues: states.map((s) => ({ queue: s.queue, messages: s.state?.messages ?? null, consumers: s.state?.consumers ?? null })),
    peeked: options.peek && rows.length > 0 ? dlqs : [],
  };
}
