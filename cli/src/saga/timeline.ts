import type { SagaTimeline, TimelineStep } from '@frank/contracts/frames';
import { FrankError, UsageError, errorMessage } from '../errors.js';
import type { LabAccess } from './lab-access.js';

/**
 * One saga's timeline, rebuilt from every saga service's database: the events each appended
 * (event_store.events, metadata {eventId, sagaId, correlationId, causationId, source, time}),
 * when its relay dispatched them (saga_coord.outbox.dispatched_at), and when each consumer took
 * them in (saga_coord.inbox.received_at, per handler, i.e. per queue).
 */
export type { SagaTimeline, TimelineStep } from '@frank/contracts/frames';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface EventRow {
  stream_id: string;
  version: number;
  type: string;
  metadata: { eventId?: string; sagaId?: string | null; causationId?: string | null; source?: string; time?: string };
  recorded_at: Date;
  dispatched_at: Date | null;
  attempts: number | null;
}

/** An order or saga id is a UUID: anything else is the user's typo, before any database is asked. */
export function checkSagaId(id: string): string {
  if (!UUID.test(id))
    throw new UsageError(`"${id}" is not an order or saga id: both are UUIDs.`, {
      hint: 'Take one from `npx frank saga stuck`, `npx frank saga run --json` (stuckOrderIds) or .frank/runs/<run>/orders.json.',
    });
  return id.toLowerCase();
}

export async function readSagaTimeline(access: LabAccess, id: string): Promise<SagaTimeline> {
  id = checkSagaId(id);
  const [order] = await read(access, 'orders', (db) =>
    db.query<{ id: string; saga_id: string; status: string; total_cents: string; cancel_reason: string | null; created_at: Date; updated_at: Date }>(
      'SELECT id::text, saga_id::text, status, total_cents::text, cancel_reason, created_at, updated_at FROM saga_report.orders WHERE id = $1::uuid OR saga_id = $1::uuid',
      [id],
    ),
  );
  // Without the order row (a saga id known only to the event stores) match the id either way.
  const orderId = order?.id ?? id;
  const sagaId = order?.saga_id ?? id;
  const perService = await Promise.all(
    access.saga.participants.map(async (service) => ({
      service,
      rows: await readParticipant(access, service, (db) =>
        db.query<EventRow>(
          `SELECT e.stream_id, e.version, e.type, e.metadata, e.recorded_at, o.dispatched_at, o.attempts
             FROM event_store.events e LEFT JOIN saga_coord.outbox o ON o.id::text = e.metadata->>'eventId'
            WHERE e.stream_id = $1 OR e.metadata->>'sagaId' = $2
            ORDER BY e.recorded_at, e.version`,
          [orderId, sagaId],
        ),
      ),
    })),
  );
  const events = perService.flatMap(({ service, rows }) => rows.map((row) => ({ service, row })));
  if (!order && events.length === 0) {
    throw new FrankError(`No order or saga ${id}: saga_report.orders has no such order or saga id, and no saga database has an event of it.`, {
      hint: 'Check the id: `npx frank saga stuck` lists unsettled sagas, .frank/runs/<run>/orders.json the orders of a recorded run (`npx frank saga runs`).',
    });
  }
  const eventIds = new Set(events.map((e) => e.row.metadata.eventId).filter((x): x is string => !!x));
  const causes = new Set(events.map((e) => e.row.metadata.causationId).filter((x): x is string => !!x && !eventIds.has(x)));
  const messageIds = [...eventIds, ...causes];
  const inbox = (
    await Promise.all(
      access.saga.participants.map(async (service) =>
        (
          await readParticipant(access, service, (db) =>
            db.query<{ message_id: string; handler: string; received_at: Date }>(
              'SELECT message_id, handler, received_at FROM saga_coord.inbox WHERE message_id = ANY($1::text[]) ORDER BY received_at',
              [messageIds],
            ),
          )
        ).map((r) => ({ ...r, service })),
      ),
    )
  ).flat();
  const [saga] = order
    ? await read(access, 'orders', (db) =>
        db.query<{ step: string; status: string; updated_at: Date }>('SELECT step, status, updated_at FROM saga_coord.saga_state WHERE saga_id = $1::uuid', [
          sagaId,
        ]),
      )
    : [];
  const [payment] = await read(access, 'payments', (db) =>
    db.query<{
      id: string;
      status: string;
      provider_ref: string | null;
      failure_reason: string | null;
      deadline_at: Date;
      provider_attempts: number;
      provider_error: string | null;
    }>('SELECT id::text, status, provider_ref, failure_reason, deadline_at, provider_attempts, provider_error FROM saga_report.payments WHERE order_id = $1', [
      orderId,
    ]),
  );

  const consumersOf = (messageId: string, dispatchedAt: Date | null) =>
    inbox
      .filter((r) => r.message_id === messageId)
      .sort((a, b) => a.received_at.getTime() - b.received_at.getTime())
      .map((r) => ({
        handler: r.handler,
        service: r.service,
        receivedAt: r.received_at.toISOString(),
        gapMs: dispatchedAt ? r.received_at.getTime() - dispatchedAt.getTime() : null,
      }));
  const steps: Omit<TimelineStep, 'offsetMs'>[] = events.map(({ service, row }) => ({
    eventId: row.metadata.eventId ?? `${row.stream_id}#${row.version}`,
    type: row.type,
    service,
    stream: row.stream_id,
    version: row.version,
    causationId: row.metadata.causationId ?? null,
    at: row.recorded_at.toISOString(),
    dispatchedAt: row.dispatched_at?.toISOString() ?? null,
    dispatchMs: row.dispatched_at ? row.dispatched_at.getTime() - row.recorded_at.getTime() : null,
    attempts: row.attempts,
    external: false,
    consumers: consumersOf(row.metadata.eventId ?? '', row.dispatched_at),
  }));
  for (const cause of causes) {
    const consumers = consumersOf(cause, null);
    if (consumers.length === 0) continue;
    // services/README.md: the provider's webhook reaches RabbitMQ through eventbridge-bridge with id webhook-<webhookId>.
    const webhook = cause.startsWith('webhook-');
    steps.push({
      eventId: cause,
      type: webhook ? 'payment.webhook' : '(external message)',
      service: webhook ? 'eventbridge-bridge' : 'external',
      stream: null,
      version: null,
      causationId: null,
      at: consumers[0]!.receivedAt,
      dispatchedAt: null,
      dispatchMs: null,
      attempts: null,
      external: true,
      consumers,
    });
  }
  steps.sort((a, b) => a.at.localeCompare(b.at) || (a.version ?? 0) - (b.version ?? 0));
  const first = steps[0] ? Date.parse(steps[0].at) : 0;
  return {
    orderId,
    sagaId: order?.saga_id ?? events.find((e) => e.row.metadata.sagaId)?.row.metadata.sagaId ?? null,
    order: order
      ? {
          status: order.status,
          totalCents: Number(order.total_cents),
          cancelReason: order.cancel_reason,
          createdAt: order.created_at.toISOString(),
          updatedAt: order.updated_at.toISOString(),
        }
      : null,
    saga: saga ? { step: saga.step, status: saga.status, updatedAt: saga.updated_at.toISOString() } : null,
    payment: payment
      ? {
          id: payment.id,
          status: payment.status,
          providerRef: payment.provider_ref,
          failureReason: payment.failure_reason,
          deadlineAt: payment.deadline_at.toISOString(),
          providerAttempts: payment.provider_attempts,
          providerError: payment.provider_error,
        }
      : null,
    steps: steps.map((s) => ({ ...s, offsetMs: Date.parse(s.at) - first })),
    durationMs: steps.length ? Date.parse(steps.at(-1)!.at) - first : null,
  };
}

/** A report's rows (`saga_report.<view>`, and the kit's tables beside it in the same database). */
function read<T extends object>(access: LabAccess, view: string, query: (db: ReturnType<LabAccess['db']>) => Promise<{ rows: T[] }>): Promise<T[]> {
  return rowsOf(access.saga.reports[view] ?? view, () => query(access.report(view)));
}

/** A participant's rows from the kit's tables (event_store, saga_coord). */
function readParticipant<T extends object>(
  access: LabAccess,
  service: string,
  query: (db: ReturnType<LabAccess['db']>) => Promise<{ rows: T[] }>,
): Promise<T[]> {
  return rowsOf(service, () => query(access.db(service)));
}

async function rowsOf<T extends object>(service: string, query: () => Promise<{ rows: T[] }>): Promise<T[]> {
  try {
    return (await query()).rows;
  } catch (error) {
    if (error instanceof FrankError) throw error;
    throw new FrankError(`Cannot read ${service}'s database: ${errorMessage(error)}`, {
      hint: 'Check `npx frank status`: is its database healthy?',
      cause: error,
    });
  }
}
