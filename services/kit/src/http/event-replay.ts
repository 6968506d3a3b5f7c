import { Router } from 'express';
import { z } from 'zod';
import type { Pool } from '../db/pool.js';
import { HttpError } from '../errors.js';
import type { EventEnvelope } from '../messaging/envelope.js';
import { validate } from './create-app.js';

/** Where a page of the replay ends: the next page starts after it. Opaque to callers. */
interface Cursor {
  recordedAt: string;
  streamId: string;
  version: number;
}

export interface EventPage {
  events: EventEnvelope[];
  /** Pass as `after` for the next page; null when this page was the last. */
  next: string | null;
}

const query = z.object({
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
  types: z.string().optional(),
});

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.recordedAt, cursor.streamId, cursor.version])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const [recordedAt, streamId, version] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof recordedAt === 'string' && typeof streamId === 'string' && Number.isInteger(version))
      return { recordedAt, streamId, version: version as number };
  } catch {
    /* answered below */
  }
  throw new HttpError(400, 'validation-failed', 'after: not a cursor this endpoint gave out; start without it', { field: 'after' });
}

interface EventRow {
  stream_id: string;
  version: number;
  type: string;
  payload: unknown;
  metadata: { eventId?: string; sagaId?: string | null; correlationId?: string; causationId?: string | null; source?: string; time?: string };
  recorded_at: string;
}

/**
 * GET /internal/events: the service's event store in the order it was recorded, a page at a time,
 * as the envelopes that were published. The read side rebuilds its views from it without reading
 * another service's database. `types` (comma-separated) narrows it to the events a reader needs.
 */
export function eventReplayRoutes(pool: Pool, source: string): Router {
  const router = Router();
  router.get('/internal/events', async (req, res) => {
    const { after, limit, types } = validate(query, req.query);
    const cursor = after ? decodeCursor(after) : undefined;
    const typeList = types
      ? types
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : null;
    // recorded_at travels as text: a Date would drop the microseconds the keyset needs.
    const { rows } = await pool.query<EventRow>(
      `SELECT stream_id, version, type, payload, metadata, recorded_at::text AS recorded_at
         FROM event_store.events
        WHERE ($1::timestamptz IS NULL OR (recorded_at, stream_id, version) > ($1::timestamptz, $2::text, $3::integer))
          AND ($4::text[] IS NULL OR type = ANY($4::text[]))
        ORDER BY recorded_at, stream_id, version
        LIMIT $5`,
      [cursor?.recordedAt ?? null, cursor?.streamId ?? null, cursor?.version ?? null, typeList, limit],
    );
    const events = rows.map((row): EventEnvelope => ({
      id: row.metadata.eventId ?? `${row.stream_id}:${row.version}`,
      type: row.type,
      source: row.metadata.source ?? source,
      time: row.metadata.time ?? new Date(row.recorded_at).toISOString(),
      sagaId: row.metadata.sagaId ?? null,
      correlationId: row.metadata.correlationId ?? row.metadata.eventId ?? row.stream_id,
      causationId: row.metadata.causationId ?? null,
      aggregateId: row.stream_id,
      version: row.version,
      data: row.payload,
    }));
    const last = rows.at(-1);
    const page: EventPage = {
      events,
      next: last && rows.length === limit ? encodeCursor({ recordedAt: last.recorded_at, streamId: last.stream_id, version: last.version }) : null,
    };
    res.json(page);
  });
  return router;
}
