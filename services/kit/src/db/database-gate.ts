import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import type { Pool } from './pool.js';

const PROBE_EVERY_MS = 500;

interface Gate {
  /** Resolves when the database answers `SELECT 1` again. */
  answers: Promise<void>;
}

/** One gate per pool, while its database is away: every waiter shares one probe and one pair of log lines. */
const gates = new WeakMap<Pool, Gate>();

/**
 * Resolves once the pool's database answers again. Whoever finds it away waits here instead of
 * retrying (and logging) on its own: one probe every half second for all of them, one line when
 * the outage is noticed and one when it ends. A pool that was ended (shutdown) ends the wait.
 */
export function databaseAnswers(pool: Pool, log: Logger): Promise<void> {
  const existing = gates.get(pool);
  if (existing) return existing.answers;
  const since = Date.now();
  const answers = (async () => {
    let noticed = false;
    for (;;) {
      try {
        await pool.query('SELECT 1');
        if (noticed) log.info('database answers again; resuming', { awayMs: Date.now() - since });
        return;
      } catch (error) {
        if (pool.ended) return;
        if (!noticed) log.warn('database does not answer; holding work until it does', errorFields(error));
        noticed = true;
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
  })().finally(() => gates.delete(pool));
  gates.set(pool, { answers });
  return answers;
}
