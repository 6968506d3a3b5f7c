import type { Server } from 'node:http';
import type { Express } from 'express';
import { createPool, type Pool } from './db/pool.js';
import { createServiceApp, finishApp, listen, type ReadyCheck } from './http/create-app.js';
import { eventReplayRoutes } from './http/event-replay.js';
import { createFlags, type Flags } from './flags.js';
import { createLogger, errorFields, type Logger } from './log.js';
import { AmqpConnection } from './messaging/amqp-connection.js';
import { startOutboxRelay, type OutboxRelay } from './messaging/outbox-relay.js';
import { readSettings, type CommonSettings, type SettingsShape, type SettingValues } from './settings.js';

export interface ServiceContext<S extends SettingsShape = CommonSettings> {
  name: string;
  log: Logger;
  /** Its declared settings, read from the environment (src/settings.ts). */
  settings: SettingValues<S>;
  /** Present when the service has DATABASE_URL. */
  pool: Pool | undefined;
  /** Present when the service has AMQP_URL. */
  amqp: AmqpConnection | undefined;
  app: Express;
  /** Its feature flags (the contracts' vocabulary), through Unleash when it declares `flagSettings`; else each its default. */
  flags: Flags;
  /** Runs on shutdown, before the pool and the broker close. */
  onShutdown(stop: () => Promise<void>): void;
  /** Runs as shutdown begins, before the server waits for open answers: end long-lived ones (event streams) here. */
  onStopping(end: () => void): void;
  /**
   * Another dependency /health/ready must find answering (Mongo, an SQS queue, a provider), named
   * as the lab knows it: a resource kind (`mongo`) or a service (`inventory`).
   */
  addReadyCheck(check: () => Promise<void>, dependency?: string): void;
}

export interface ServiceDefinition<S extends SettingsShape = SettingsShape> {
  name: string;
  /** Everything it reads from its environment, from `defineSettings` (the launchers' contract). */
  settings: S & CommonSettings;
  setup(context: ServiceContext<S & CommonSettings>): Promise<void>;
}

/**
 * Wires a service: config from the environment, a resilient pool, the broker connection, the
 * outbox relay (when it has a database and a broker), its HTTP app with health endpoints and the
 * replay of its event store (GET /internal/events), and a graceful shutdown on SIGTERM/SIGINT.
 */
export async function runService<S extends SettingsShape>(
  definition: ServiceDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ server: Server; stop(): Promise<void> }> {
  const settings = readSettings(definition.settings, env);
  const log = createLogger(definition.name, {}, settings.LOG_LEVEL);
  const config = settings as {
    HOST: string;
    PORT: number;
    DATABASE_URL?: string;
    AMQP_URL?: string;
    UNAVAILABLE_RETRY_AFTER_S?: number;
    UNLEASH_URL?: string;
    UNLEASH_TOKEN?: string;
  };
  const pool = config.DATABASE_URL ? createPool(config.DATABASE_URL, log) : undefined;
  const amqp = config.AMQP_URL ? new AmqpConnection(config.AMQP_URL, log) : undefined;
  const stops: (() => Promise<void>)[] = [];
  const stopping: (() => void)[] = [];
  // Ready when everything it uses answers; each one that does not is named (the lab shows `degraded: waiting for …`).
  const readyChecks: ReadyCheck[] = [];
  if (pool) readyChecks.push({ dependency: 'postgres', check: async () => void (await pool.query('SELECT 1')) });
  if (amqp) readyChecks.push({ dependency: 'rabbitmq', check: async () => amqp.assertConnected() });
  const app = createServiceApp({ name: definition.name, log, readyChecks: () => readyChecks });
  // Not a ready check: a service whose Unleash does not answer runs on its flags' defaults.
  const flags = createFlags({ url: config.UNLEASH_URL, token: config.UNLEASH_TOKEN, appName: definition.name, log });
  app.get('/internal/flags', (_req, res) => void res.json(flags.view()));
  const amqpStarted = amqp?.start();
  amqpStarted?.catch(() => undefined);
  await definition.setup({
    name: definition.name,
    log,
    settings,
    pool,
    amqp,
    app,
    flags,
    onShutdown: (stop) => stops.push(stop),
    onStopping: (end) => stopping.push(end),
    addReadyCheck: (check, dependency = 'dependency') => readyChecks.push({ dependency, check }),
  });
  if (pool) app.use(eventReplayRoutes(pool, definition.name));
  finishApp(app, log, { retryAfterS: config.UNAVAILABLE_RETRY_AFTER_S });
  let relay: OutboxRelay | undefined;
  if (pool && amqp && config.DATABASE_URL) relay = startOutboxRelay({ pool, amqp, log, connectionString: config.DATABASE_URL });
  const server = await listen(app, config.HOST, config.PORT);
  log.info('listening', { host: config.HOST, port: config.PORT });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      log.info('shutting down');
      for (const end of stopping) end();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of stops.reverse()) await s().catch((error) => log.warn('shutdown step failed', errorFields(error)));
      await relay?.stop();
      flags.close();
      await amqp?.close();
      await pool?.end().catch(() => undefined);
    })());
  return { server, stop };
}

/** The entry point of a service process: runs it, stops it on SIGTERM/SIGINT, exits non-zero if it cannot start. */
export async function main<S extends SettingsShape>(definition: ServiceDefinition<S>): Promise<void> {
  try {
    const service = await runService(definition);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        // amqplib reads an Error's stack as it closes; with source maps on, the first stack parses
        // the bundle's map (~0.6 s of CPU per service, at every `frank down` and restart).
        process.setSourceMapsEnabled(false);
        service.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  } catch (error) {
    createLogger(definition.name).error('cannot start', errorFields(error));
    process.exit(1);
  }
}
