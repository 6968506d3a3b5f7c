import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { LabAccess } from '../saga/lab-access.js';

/** What a database being killed or restarting answers: worth waiting out. */
function unavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001'].includes(code)) return true;
  return error instanceof Error && /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(error.message);
}

/**
 * The lab as the experiment's load reads it: a database query that finds its database killed
 * waits (up to `patienceMs`) until it is back, instead of failing. The saga tools read every
 * database to check the invariants and do not expect one to be away.
 */
export function patientAccess(access: LabAccess, patienceMs: number): LabAccess {
  const pools = new Map<string, pg.Pool>();
  const patient = (pool: pg.Pool): pg.Pool =>
    new Proxy(pool, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return async (...args: unknown[]) => {
          const deadline = Date.now() + patienceMs;
          for (;;) {
            try {
              return await (target.query as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            } catch (error) {
              if (!unavailable(error) || Date.now() > deadline) throw error;
              await sleep(250);
            }
          }
        };
      },
    });
  return {
    ...access,
    db(service) {
      let pool = pools.get(service);
      if (!pool) pools.set(service, (pool = patient(access.db(service))));
      return pool;
    },
  };
}
