import type { DbClient, Pool } from '@frank/kit';
import { refreshCubes } from './cube-refresher.js';

export interface ScheduledRefresh {
  rule: string;
  scheduledAt: Date;
  refreshedAt: Date;
  eventId: string;
  eventBridgeId: string;
}

/**
 * Refreshes the cubes for one firing of the scheduled rule, in the consumer's transaction, and
 * records it: the row commits with the refresh and the inbox entry, so a firing counts once.
 * Returns false when this firing was already recorded.
 */
export async function refreshOnSchedule(
  client: DbClient,
  firing: { eventId: string; rule: string; scheduledAt: string; eventBridgeId: string },
): Promise<boolean> {
  const inserted = await client.query(
    `INSERT INTO analytics_domain.scheduled_refreshes (event_id, rule, scheduled_at, eventbridge_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (event_id) DO NOTHING`,
    [firing.eventId, firing.rule, firing.scheduledAt, firing.eventBridgeId],
  );
  if (inserted.rowCount === 0) return false;
  await refreshCubes(client);
  // The row says when the refresh was done, not when the transaction began.
  await client.query('UPDATE analytics_domain.scheduled_refreshes SET refreshed_at = clock_timestamp() WHERE event_id = $1', [firing.eventId]);
  return true;
}

export async function lastScheduledRefresh(pool: Pool): Promise<ScheduledRefresh | null> {
  const { rows } = await pool.query<ScheduledRefresh>(
    `SELECT rule, scheduled_at AS "scheduledAt", refreshed_at AS "refreshedAt", event_id AS "eventId", eventbridge_id AS "eventBridgeId"
     FROM analytics_domain.scheduled_refreshes ORDER BY scheduled_at DESC, refreshed_at DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}
