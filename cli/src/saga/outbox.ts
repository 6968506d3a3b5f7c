import amqplib from 'amqplib';
import { publishOutboxBatch, type PublishRow } from '@frank/kit/outbox';
import { FrankError, UsageError, errorMessage } from '../errors.js';
import type { SagaMap } from '../lab/manifests.js';
import type { LabAccess } from './lab-access.js';
import { EVENTS_EXCHANGE } from '@frank/contracts/events';

const BATCH = 100;

export interface OutboxRow {
  service: string;
  id: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  createdAt: string;
  ageMs: number;
  attempts: number;
}

export interface RedriveResult {
  service: string;
  /** Published to frank.events and marked dispatched, by this redrive. */
  published: string[];
  /** Locked by the service's relay while we looked (it is publishing them): left to it. */
  skippedInFlight: string[];
  /** Dispatched by the relay between the listing and our claim. */
  dispatchedMeanwhile: string[];
}

/** A service with an outbox (a saga participant), or a usage error naming those that have one. */
export function outboxServiceNamed(saga: SagaMap, name: string): string {
  if (saga.participants.includes(name)) return name;
  throw new UsageError(`No service "${name}" has an outbox.`, { hint: `Use one of: ${saga.participants.join(', ')}.` });
}

/** Undispatched rows, oldest first, of one service or all. */
export async function listOutbox(access: LabAccess, options: { service?: string; id?: string } = {}): Promise<OutboxRow[]> {
  const services = options.service ? [options.service] : access.saga.participants;
  const rows = await Promise.all(
    services.map(async (service) => {
      try {
        const { rows } = await access
          .db(service)
          .query<{ id: string; event_type: string; aggregate_type: string; aggregate_id: string; created_at: Date; age_ms: number; attempts: number }>(
            `SELECT id::text, event_type, aggregate_type, aggregate_id, created_at, (extract(epoch FROM clock_timestamp() - created_at) * 1000)::float8 AS age_ms, attempts
             FROM saga_coord.outbox WHERE dispatched_at IS NULL AND ($1::uuid IS NULL OR id = $1::uuid) ORDER BY created_at, id`,
            [options.id ?? null],
          );
        return rows.map((r): OutboxRow => ({
          service,
          id: r.id,
          eventType: r.event_type,
          aggregateType: r.aggregate_type,
          aggregateId: r.aggregate_id,
          createdAt: r.created_at.toISOString(),
          ageMs: Math.round(r.age_ms),
          attempts: r.attempts,
        }));
      } catch (error) {
        throw new FrankError(`Cannot read ${service}'s outbox: ${errorMessage(error)}`, {
          hint: 'Check `npx frank status`: is its database healthy?',
          cause: error,
        });
      }
    }),
  );
  return rows.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Publishes a service's undispatched outbox rows from here, straight to the broker (not through
 * the service's Toxiproxy link): what is stuck because the service or its relay is down, or its
 * link is broken. It runs the relay's own batch (the kit's publishOutboxBatch), so the two never
 * publish one row at once: a row the relay has claimed (it is publishing it) is skipped, and the
 * relay skips ours.
 */
export async function redriveOutbox(access: LabAccess, options: { service: string; id?: string }): Promise<RedriveResult> {
  const { service } = options;
  const before = await listOutbox(access, options);
  if (options.id && before.length === 0) {
    const { rows } = await access
      .db(service)
      .query<{ dispatched_at: Date | null }>('SELECT dispatched_at FROM saga_coord.outbox WHERE id = $1::uuid', [options.id]);
    if (rows.length === 0)
      throw new FrankError(`${service}'s outbox has no row ${options.id}.`, {
        hint: `\`npx frank outbox ls --service ${service}\` lists its undispatched rows.`,
      });
    return { service, published: [], skippedInFlight: [], dispatchedMeanwhile: [options.id] };
  }
  if (before.length === 0) return { service, published: [], skippedInFlight: [], dispatchedMeanwhile: [] };

  let connection: amqplib.ChannelModel;
  try {
    connection = await amqplib.connect(access.amqpUrl);
  } catch (error) {
    throw new FrankError(`Cannot reach RabbitMQ to redrive: ${errorMessage(error)}`, { hint: 'Check `npx frank status`: is rabbitmq healthy?', cause: error });
  }
  connection.on('error', () => undefined);
  const published: string[] = [];
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    for (;;) {
      const claimed = await claimAndPublish(access, service, options.id, channel);
      published.push(...claimed);
      if (claimed.length < BATCH) break;
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  const stillWaiting = new Set((await listOutbox(access, options)).map((r) => r.id));
  const mine = new Set(published);
  const others = before.filter((r) => !mine.has(r.id));
  return {
    service,
    published,
    skippedInFlight: others.filter((r) => stillWaiting.has(r.id)).map((r) => r.id),
    dispatchedMeanwhile: others.filter((r) => !stillWaiting.has(r.id)).map((r) => r.id),
  };
}

/** A publish the broker refused or did not confirm (as opposed to a database error). */
class NotConfirmed extends Error {}

async function claimAndPublish(access: LabAccess, service: string, id: string | undefined, channel: amqplib.ConfirmChannel): Promise<string[]> {
  const publish: PublishRow = (row) =>
    new Promise<void>((resolve, reject) =>
      channel.publish(
        EVENTS_EXCHANGE,
        row.eventType,
        Buffer.from(JSON.stringify(row.payload)),
        { persistent: true, contentType: 'application/json', messageId: row.id, type: row.eventType },
        (error) => (error ? reject(new NotConfirmed(errorMessage(error))) : resolve()),
      ),
    );
  try {
    return await publishOutboxBatch(access.db(service), publish, { limit: BATCH, id });
  } catch (error) {
    if (!(error instanceof NotConfirmed)) throw error;
    throw new FrankError(
      `RabbitMQ did not confirm ${service}'s outbox rows: ${error.message}. None was marked dispatched; a next redrive publishes them again (consumers drop duplicates).`,
      { hint: 'Check `npx frank status` and `npx frank logs rabbitmq`.', cause: error },
    );
  }
}
