import pg from 'pg';
import type { Pool } from '../db/pool.js';
import { inTransaction, isTransient } from '../db/pool.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import type { AmqpConnection } from './amqp-connection.js';
import { EVENTS_EXCHANGE } from './amqp-connection.js';
import { OUTBOX_CHANNEL } from './append-event.js';

export interface OutboxRelayOptions {
  pool: Pool;
  /** A LISTEN needs a connection of its own, outside the pool. */
  connectionString: string;
  amqp: AmqpConnection;
  log: Logger;
  batchSize?: number;
  /** The polling fallback: a lost NOTIFY (a listener reconnecting) costs at most this long. */
  pollIntervalMs?: number;
}

export interface OutboxRelay {
  /** Drains now, without waiting for a NOTIFY or the poll. */
  kick(): void;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  event_type: string;
  payload: unknown;
}

/**
 * Publishes the outbox: woken by LISTEN/NOTIFY, with a polling fallback. Rows are claimed with
 * FOR UPDATE SKIP LOCKED (several relays never publish one row twice at once) and marked
 * dispatched only after the broker confirmed them, in the same transaction: a crash between
 * confirm and commit republishes, and consumers' inboxes absorb the duplicate.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, amqp, log, batchSize = 100, pollIntervalMs = 1000 } = options;
  let stopped = false;
  let wake: (() => void) | undefined;
  let pending = true;
  let listener: pg.Client | undefined;

  const kick = () => {
    pending = true;
    wake?.();
  };

  const listen = async () => {
    while (!stopped) {
      const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 3000 });
      try {
        const closed = new Promise<void>((resolve) => {
          client.on('error', (error) => {
            log.warn('outbox listener lost its connection', errorFields(error));
            resolve();
          });
          client.on('end', () => resolve());
        });
        await client.connect();
        client.on('notification', kick);
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        listener = client;
        kick(); // whatever was committed while we were not listening
        await closed;
      } catch (error) {
        if (!stopped) log.warn('outbox listener cannot connect; polling meanwhile', errorFields(error));
      } finally {
        listener = undefined;
        await client.end().catch(() => undefined);
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  const drainOnce = async (): Promise<number> =>
    inTransaction(
      pool,
      async (client) => {
        const { rows } = await client.query<OutboxRow>(
          'SELECT id, event_type, payload FROM saga_coord.outbox WHERE dispatched_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED',
          [batchSize],
        );
        if (rows.length === 0) return 0;
        try {
          await Promise.all(rows.map((row) => amqp.publish(EVENTS_EXCHANGE, row.event_type, Buffer.from(JSON.stringify(row.payload)), { messageId: row.id, type: row.event_type })));
        } catch (error) {
          await client.query('UPDATE saga_coord.outbox SET attempts = attempts + 1 WHERE id = ANY($1)', [rows.map((r) => r.id)]);
          throw error;
        }
        await client.query('UPDATE saga_coord.outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY($1)', [rows.map((r) => r.id)]);
        return rows.length;
      },
      { attempts: 2 },
    );

  const loop = async () => {
    let backoff = 200;
    while (!stopped) {
      if (pending) {
        pending = false;
        try {
          // Keep draining while full batches come back.
          while (!stopped && (await drainOnce()) === batchSize);
          backoff = 200;
        } catch (error) {
          pending = true;
          log.warn('outbox relay could not publish; retrying', { ...errorFields(error), transient: isTransient(error), retryInMs: backoff });
          await new Promise((resolve) => setTimeout(resolve, backoff));
          backoff = Math.min(backoff * 2, 5000);
          continue;
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pending = true;
          resolve();
        }, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };

  const listening = listen();
  const looping = loop();
  return {
    kick,
    async stop() {
      stopped = true;
      wake?.();
      await listener?.end().catch(() => undefined);
      await Promise.allSettled([listening, looping]);
    },
  };
}
