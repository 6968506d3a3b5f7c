import pg from 'pg';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';

export type Pool = pg.Pool;
export type DbClient = pg.PoolClient;

/**
 * A pool that survives its database being killed: idle clients' errors are logged instead of
 * crashing the process, and work is retried with backoff by `withRetry`/`inTransaction`.
 */
export function createPool(connectionString: string, log: Logger, max = 10): Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 3000, idleTimeoutMillis: 10_000 });
  pool.on('error', (error) => log.warn('idle database client failed', errorFields(error)));
  pool.on('connect', (client) => client.on('error', (error) => log.warn('database client failed', errorFields(error))));
  return pool;
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '40001',
  '40P01',
  '53300',
]);

/** A fault that a retry can outlive: a lost connection, a restarting server, a serialization conflict. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(
    error.message,
  );
}

export interface RetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Retries transient faults with exponential backoff and jitter; anything else fails at once. Four
 * attempts ride out a blip in well under a second; a database that is down stays down longer than
 * that, and the caller learns it at once (an HTTP client gets 503 with Retry-After, a consumer
 * holds its message until the database answers again).
 */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 4, firstDelayMs = 100, maxDelayMs = 1000 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts || options.signal?.aborted) throw error;
      const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
  }
}

/** Runs `work` in one transaction; the whole transaction is retried on a transient fault. */
export function inTransaction<T>(pool: Pool, work: (client: DbClient) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return withRetry(async () => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = isTransient(error);
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }, options);
}
