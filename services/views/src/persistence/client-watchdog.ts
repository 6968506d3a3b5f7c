import { errorFields, type Logger } from '@frank/kit';
import { MongoClient, type MongoClientOptions, type ServerDescriptionChangedEvent } from 'mongodb';

export interface ClientWatchdogOptions {
  /** The service's client: every collection the projectors hold comes from it. */
  client: MongoClient;
  /** Its URL and options, for the fresh connection that tells "Mongo away" from "client stuck". */
  url: string;
  clientOptions: MongoClientOptions;
  log: Logger;
  /** Between checks. */
  everyMs?: number;
  /** How long the client must have taken the server for unreachable before it counts as stuck. */
  stuckAfterMs?: number;
  /** How long the fresh client may take to get an answer. */
  probeTimeoutMs?: number;
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
 * So: the client's own view of the server is watched (SDAM events). When it has said "Unknown"
 * for several seconds on end and a fresh client gets an answer from Mongo, ours is stuck: it is
 * closed and connected again. A slow Mongo is not a stuck client (a ping that times out under
 * load once triggered a reconnect that failed every operation in flight). The same MongoClient
 * object is kept, so the collections the projectors took from it work on after `connect`;
 * operations in flight fail meanwhile and their messages are requeued like any other Mongo failure.
 */
export function watchClient(options: ClientWatchdogOptions): { stop(): void } {
  const { client, url, clientOptions, log, everyMs = 2000, stuckAfterMs = 6000, probeTimeoutMs = 5000 } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let unknownSince: number | undefined;
  const onDescription = (event: ServerDescriptionChangedEvent) => {
    unknownSince = event.newDescription.type === 'Unknown' ? (unknownSince ?? Date.now()) : undefined;
  };
  client.on('serverDescriptionChanged', onDescription);

  const check = async () => {
    if (unknownSince === undefined || Date.now() - unknownSince < stuckAfterMs) return;
    if (stopped || !(await reachable(url, clientOptions, probeTimeoutMs))) return;
    if (stopped || unknownSince === undefined) return;
    const began = performance.now();
    log.warn('Mongo answers, but the client has taken it for unreachable for seconds (its monitor is stuck since a cut of the link); reconnecting it', {
      unknownForMs: Date.now() - unknownSince,
    });
    await client.close().catch(() => undefined);
    if (stopped) return;
    unknownSince = undefined;
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
      client.off('serverDescriptionChanged', onDescription);
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
