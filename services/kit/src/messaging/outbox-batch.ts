import type pg from 'pg';

export interface OutboxRowToPublish {
  id: string;
  eventType: string;
  payload: unknown;
}

/** Publishes one row and resolves once the broker confirmed it. */
export type PublishRow = (row: OutboxRowToPublish) => Promise<void>;

/**
 * One batch of the outbox protocol, shared by the kit's relay and `frank outbox redrive`: claims
 * up to `limit` undispatched rows (only `id`, when given) with FOR UPDATE SKIP LOCKED, so two
 * publishers never publish one row at once; publishes each, and marks them dispatched (attempts + 1)
 * in the claiming transaction once every one is confirmed. A failed publish rolls back and counts
 * one attempt per row, so `attempts` counts tries, published or not. A crash between confirm and
 * commit republishes a row, which the consumers' inboxes absorb. Returns the ids published.
 */
export async function publishOutboxBatch(pool: pg.Pool, publish: PublishRow, options: { limit: number; id?: string }): Promise<string[]> {
  const client = await pool.connect();
  let claimed: string[] = [];
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string; event_type: string; payload: unknown }>(
      'SELECT id::text, event_type, payload FROM saga_coord.outbox WHERE dispatched_at IS NULL AND ($1::uuid IS NULL OR id = $1::uuid) ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED',
      [options.id ?? null, options.limit],
    );
    claimed = rows.map((r) => r.id);
    if (rows.length > 0) {
      await Promise.all(rows.map((row) => publish({ id: row.id, eventType: row.event_type, payload: row.payload })));
      await client.query('UPDATE saga_coord.outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])', [claimed]);
    }
    await client.query('COMMIT');
    client.release();
    return claimed;
  } catch (error) {
    // A connection that cannot even roll back is broken: it leaves the pool.
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(!rolledBack);
    if (claimed.length > 0) {
      await pool
        .query('UPDATE saga_coord.outbox SET attempts = attempts + 1 WHERE id = ANY($1::uuid[]) AND dispatched_at IS NULL', [claimed])
        .catch(() => undefined);
    }
    throw error;
  }
}
