import { errorFields, type Logger } from '@frank/kit';
import { MongoClient, type MongoClientOptions } from 'mongodb';

export interface ClientWatchdogOptions {
  /** The service's client: every collection the projectors hold comes from it. */
  client: MongoClient;
  /** Its URL and options, for the fresh connection that tells "Mongo away" from "client stuck". */
  url: string;
  clientOptions: MongoClientOptions;
  log: Logger;
  /** Between checks. */
  everyMs?: number;
  /** A ping slower than this counts as failed. */
  pingTimeoutMs?: number;
}

/**
 * Reconnects the client when Mongo answers but the client cannot reach it any more.
 *
 * After a cut of the views→mongo link (a disabled Toxiproxy proxy closes every connection at
 * once), the driver (mongodb 7.9) can be left with its server monitor in the middle of a
 * heartbeat on the monitoring connection the cut closed (seen: monitor state "monitoring", its
 * connection closed, no heartbeat event ever after): the heartbeat never settles, so the monitor
 * never checks again (a wake-up while a check is in progress is dropped), the server
 * stays Unknown with the cut's last error ("connection N to … closed"), and every operation fails
 * server selection after serverSelectionTimeoutMS, for as long as the process lives. FerretDB
 * reports no topologyVersion, so the monitor polls and `Monitor.reset` never restarts it.
 *
 * So: a ping every few seconds. A failed ping alone means nothing (Mongo may really be away, and
 * the driver reconnects by itself then); if a fresh client reaches Mongo and a second ping of
 * ours still fails, ours is stuck: it is closed and connected again. The same MongoClient object
 * is kept, so the collections the projectors took from it work on after `connect`; operations
 * in flight fail meanwhile and their messages are requeued like any other Mongo failure.
 */
export function watchClient(options: ClientWatchdogOptions): { stop(): void } {
  const { client, url, clientOptions, log, everyMs = 2000, pingTimeoutMs = 5000 } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const pings = () => withTimeout(client.db('admin').command({ ping: 1 }), pingTimeoutMs).then(() => true, () => false);

  const check = async () => {
    if (await pings()) return;
    if (stopped || !(await reachable(url, clientOptions, pingTimeoutMs))) return;
    // Mongo answers: give our client's own monitor one more ping's time to notice.
    if (stopped || (await pings())) return;
    if (stopped) return;
    const began = performance.now();
    log.warn('Mongo answers, but the client cannot reach it (its monitor is stuck since a cut of the link); reconnecting it');
    await client.close().catch(() => undefined);
    if (stopped) return;
    await client.connect();
    log.info('Mongo client reconnected', { tookMs: Math.round(performance.now() - began) });
  };

  const loop = () => {
    timer = setTimeout(() => {
      check()
        .catch((error: unknown) => log.warn('Mongo client not reconnected yet; trying again', errorFields(error)))
        .finally(() => {
          if (!stopped) loop();
        });
    }, everyMs);
    timer.unref();
  };
  loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Whether a new client, with its own connections and monitor, gets an answer from Mongo. */
async function reachable(url: string, clientOptions: MongoClientOptions, timeoutMs: number): Promise<boolean> {
  const probe = new MongoClient(url, { ...clientOptions, serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, maxPoolSize: 1 });
  try {
    await withTimeout(probe.db('admin').command({ ping: 1 }), timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    await probe.close().catch(() => undefined);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
