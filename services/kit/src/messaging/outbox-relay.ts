import pg from 'pg';
import type { Pool } from '../db/pool.js';
import { databaseAnswers } from '../db/database-gate.js';
import { isTransient } from '../db/pool.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import type { AmqpConnection } from './amqp-connection.js';
import { EVENTS_EXCHANGE } from './amqp-connection.js';
import { OUTBOX_CHANNEL } from './append-event.js';
import { publishOutboxBatch, type PublishRow } from './outbox-batch.js';

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

  let stop!: () => void;
  const stopping = new Promise<void>((resolve) => (stop = resolve));
  /** Sleeps, or less when the relay stops. */
  const pause = (ms: number) => Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), stopping]);

  const listen = async () => {
    // One line when the listener loses its database and one when it has it again, not one a second.
    let down = false;
    while (!stopped) {
      const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 3000 });
      try {
        const closed = new Promise<void>((resolve) => {
          client.on('error', (error) => {
            if (!stopped) log.warn('outbox listener lost its connection; polling until it is back', errorFields(error));
            down = true;
            resolve();
          });
          client.on('end', () => resolve());
        });
        await client.connect();
        client.on('notification', kick);
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        listener = client;
        if (down) log.info('outbox listener is back');
        down = false;
        kick(); // whatever was committed while we were not listening
        await closed;
      } catch (error) {
        if (!stopped && !down) log.warn('outbox listener cannot connect; polling until it can', errorFields(error));
        down = true;
      } finally {
        listener = undefined;
        await client.end().catch(() => undefined);
      }
      if (!stopped) await pause(1000);
    }
  };

  const publish: PublishRow = (row) =>
    amqp.publish(EVENTS_EXCHANGE, row.eventType, Buffer.from(JSON.stringify(row.payload)), { messageId: row.id, type: row.eventType });
  const drainOnce = async (): Promise<number> => (await publishOutboxBatch(pool, publish, { limit: batchSize })).length;

  const loop = async () => {
    let backoff = 200;
    while (!stopped) {
      if (pending) {
        pending = false;
        // The broker is away: nothing could be published. Wait for it without holding any row.
        if (!amqp.connected) {
          await Promise.race([amqp.untilConnected(60_000).catch(() => undefined), stopping]);
          pending = true;
          continue;
        }
        try {
          // Keep draining while full batches come back.
          while (!stopped && (await drainOnce()) === batchSize);
          backoff = 200;
        } catch (error) {
          pending = true;
          if (stopped) break;
          // Its database is away: wait with everyone else for it to answer, and drain at once when it does.
          if (isTransient(error)) {
            await Promise.race([databaseAnswers(pool, log), stopping]);
            continue;
          }
          // The broker went while publishing: the wait above takes over.
          if (!amqp.connected) continue;
          log.warn('outbox relay could not publish; retrying', { ...errorFields(error), retryInMs: backoff });
          await pause(backoff);
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
      stop();
      wake?.();
      await listener?.end().catch(() => undefined);
      await Promise.allSettled([listening, looping]);
    },
  };
}
