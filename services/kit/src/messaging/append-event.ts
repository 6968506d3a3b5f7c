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
  // A statement of its own: a statement reads from a snapshot taken before it waits for the lock.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [event.aggregateId]);
  const draft = newEnvelope({ ...event, version: 0 });
  // The next version, the event, its outbox row (the envelope with that version) and the relay's
  // wake-up in one round trip: each round trip costs every hop of the link (service, Toxiproxy, postgres).
  const { rows } = await client.query<{ version: number }>(
    `WITH next AS (SELECT COALESCE(MAX(version), 0) + 1 AS version FROM event_store.events WHERE stream_id = $1::text),
     stored AS (
       INSERT INTO event_store.events (stream_id, version, type, payload, metadata)
       SELECT $1::text, version, $2::text, $3::jsonb, $4::jsonb FROM next RETURNING version
     ),
     queued AS (
       INSERT INTO saga_coord.outbox (id, aggregate_type, aggregate_id, event_type, payload, headers)
       SELECT $5::uuid, $6::text, $1::text, $2::text, jsonb_set($7::jsonb, '{version}', to_jsonb(version)), $8::jsonb FROM stored
     )
     SELECT version, pg_notify('${OUTBOX_CHANNEL}', '') FROM stored`,
    [
      draft.aggregateId,
      draft.type,
      JSON.stringify(draft.data),
      JSON.stringify({
        eventId: draft.id,
        sagaId: draft.sagaId,
        correlationId: draft.correlationId,
        causationId: draft.causationId,
        source: draft.source,
        time: draft.time,
      }),
      draft.id,
      event.aggregateType,
      JSON.stringify(draft),
      JSON.stringify({ sagaId: draft.sagaId, correlationId: draft.correlationId }),
    ],
  );
  return { ...draft, version: rows[0]!.version };
}
