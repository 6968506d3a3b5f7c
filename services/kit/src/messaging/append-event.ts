import type pg from 'pg';
import type { EventEnvelope, NewEvent } from './envelope.js';
import { newEnvelope } from './envelope.js';

/** The channel the outbox relay listens on; NOTIFY is delivered when the transaction commits. */
export const OUTBOX_CHANNEL = 'frank_outbox';

/**
 * Appends an event to its stream in the event store and to the outbox, inside the caller's
 * business transaction: the write, the event and its publication commit or roll back together.
 */
export async function appendEvent<T>(client: Pick<pg.ClientBase, 'query'>, event: NewEvent<T> & { aggregateType: string }): Promise<EventEnvelope<T>> {
  // One writer per stream at a time, so versions are gap-free without unique-violation retries.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [event.aggregateId]);
  const { rows } = await client.query<{ next: number }>('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM event_store.events WHERE stream_id = $1', [
    event.aggregateId,
  ]);
  const envelope = newEnvelope({ ...event, version: rows[0]!.next });
  await client.query('INSERT INTO event_store.events (stream_id, version, type, payload, metadata) VALUES ($1, $2, $3, $4, $5)', [
    envelope.aggregateId,
    envelope.version,
    envelope.type,
    JSON.stringify(envelope.data),
    JSON.stringify({
      eventId: envelope.id,
      sagaId: envelope.sagaId,
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      source: envelope.source,
      time: envelope.time,
    }),
  ]);
  await client.query('INSERT INTO saga_coord.outbox (id, aggregate_type, aggregate_id, event_type, payload, headers) VALUES ($1, $2, $3, $4, $5, $6)', [
    envelope.id,
    event.aggregateType,
    envelope.aggregateId,
    envelope.type,
    JSON.stringify(envelope),
    JSON.stringify({ sagaId: envelope.sagaId, correlationId: envelope.correlationId }),
  ]);
  await client.query(`NOTIFY ${OUTBOX_CHANNEL}`);
  return envelope;
}
