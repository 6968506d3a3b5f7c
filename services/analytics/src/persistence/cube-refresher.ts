import { errorFields, type Logger, type Pool } from '@frank/kit';

export const CUBES = ['analytics_domain.monthly_sales_cube', 'analytics_domain.customer_ltv_analysis'] as const;

export interface CubeRefresher {
  /** Facts changed: refresh soon, at most once per interval. */
  request(): void;
  lastRefreshedAt(): Date | null;
  stop(): Promise<void>;
}

export interface CubeRefresherOptions {
  pool: Pool;
  log: Logger;
  /** Two refreshes start at least this far apart. */
  minIntervalMs?: number;
  /** A request waits this long, so that the transaction that asked has usually committed. */
  settleMs?: number;
}

/**
 * Refreshes the cubes CONCURRENTLY (readers are never blocked) outside any consumer transaction,
 * debounced. A request comes from inside a transaction that may commit after the refresh took its
 * snapshot; so after each refresh the month totals are compared with the facts, and a difference
 * asks for another refresh.
 */
export function startCubeRefresher(options: CubeRefresherOptions): CubeRefresher {
  const { pool, log, minIntervalMs = 2000, settleMs = 100 } = options;
  let dirty = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastStart = 0;
  let refreshedAt: Date | null = null;

  const schedule = () => {
    if (stopped || timer || running) return;
    timer = setTimeout(run, Math.max(settleMs, lastStart + minIntervalMs - Date.now()));
  };

  const run = () => {
    timer = undefined;
    if (!dirty || stopped) return;
    dirty = false;
    lastStart = Date.now();
    running = (async () => {
      try {
        await refreshCubes(pool);
        refreshedAt = new Date();
        if (!(await cubesAgreeWithFacts(pool))) dirty = true;
      } catch (error) {
        log.warn('cube refresh failed; retrying', errorFields(error));
        dirty = true;
      }
    })().finally(() => {
      running = undefined;
      if (dirty) schedule();
    });
  };

  return {
    request() {
      dirty = true;
      schedule();
    },
    lastRefreshedAt: () => refreshedAt,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Every cube, CONCURRENTLY: readers are never blocked. */
export async function refreshCubes(client: Pick<Pool, 'query'>): Promise<void> {
  for (const cube of CUBES) await client.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${cube}`);
}

/** The month rows over all products ('*') add up to what sales_fact holds. */
export async function cubesAgreeWithFacts(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ agree: boolean }>(
    `SELECT (SELECT COALESCE(sum(revenue_cents), 0) FROM analytics_domain.monthly_sales_cube WHERE sku = '*')
              = (SELECT COALESCE(sum(total_cents), 0) FROM analytics_domain.sales_fact)
        AND (SELECT COALESCE(sum(orders), 0) FROM analytics_domain.monthly_sales_cube WHERE sku = '*')
              = (SELECT count(DISTINCT order_id) FROM analytics_domain.sales_fact) AS agree`,
  );
  return rows[0]?.agree ?? false;
}
