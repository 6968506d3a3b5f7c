import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import type { z } from 'zod';
import { isTransient } from '../db/pool.js';
import { HttpError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';

/**
 * One thing /health/ready needs answering: a dependency (its kind, `postgres`, `rabbitmq`,
 * `mongo`, or another service's name) and the check that throws while it does not answer.
 */
export interface ReadyCheck {
  dependency: string;
  check: () => Promise<void>;
}

/** What /health/ready answers while something it needs does not answer: the lab shows it as `degraded: waiting for …`. */
export interface NotReady {
  status: 'not-ready';
  service: string;
  reason: string;
  waitingFor: { dependency: string; reason: string }[];
}

export interface ServiceAppOptions {
  name: string;
  log: Logger;
  /** Its dependencies, checked at once on every /health/ready (at runtime: more may be added after the app is made). */
  readyChecks: () => ReadyCheck[];
  /** How long one check may take before it counts as not answering. */
  readyCheckTimeoutMs?: number;
}

/**
 * An Express app with JSON bodies and the two health endpoints; add routes, then call `finishApp`.
 * /health/live answers while the process serves HTTP at all: only a unit that fails it is
 * restarted. /health/ready answers 503 naming each dependency that does not answer: the service
 * is alive and waits for it (a lab leaves it running).
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '256kb' }));
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'live', service: options.name });
  });
  app.get('/health/ready', async (_req, res) => {
    const timeoutMs = options.readyCheckTimeoutMs ?? 1500;
    const outcomes = await Promise.all(
      options.readyChecks().map(async ({ dependency, check }) => {
        try {
          await withDeadline(check(), timeoutMs, `${dependency} did not answer within ${timeoutMs} ms`);
          return undefined;
        } catch (error) {
          return { dependency, reason: String(errorFields(error).error) };
        }
      }),
    );
    const waitingFor = outcomes.filter((o): o is { dependency: string; reason: string } => o !== undefined);
    if (waitingFor.length === 0) return void res.json({ status: 'ready', service: options.name });
    const answer: NotReady = {
      status: 'not-ready',
      service: options.name,
      reason: waitingFor.map((w) => `${w.dependency}: ${w.reason}`).join('; '),
      waitingFor,
    };
    res.status(503).json(answer);
  });
  return app;
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface FinishOptions {
  /** The Retry-After (seconds) of a 503: the client comes back then rather than at once. */
  retryAfterS?: number;
}

/** The 404 and the one error handler: every failure answers JSON `{error: {code, message, field?}}`. */
export function finishApp(app: Express, log: Logger, options: FinishOptions = {}): Express {
  const retryAfter = String(options.retryAfterS ?? 2);
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not-found', message: `No route ${req.method} ${req.path}` } });
  });
  let unavailableSince: number | undefined;
  const handler: ErrorRequestHandler = (error, req, res, _next) => {
    if (error instanceof HttpError) {
      if (error.status === 503) res.setHeader('retry-after', retryAfter);
      res.status(error.status).json({ error: { code: error.code, message: error.message, ...error.details } });
      return;
    }
    // Its own database does not answer (killed, restarting, cut off): the request may be sent
    // again shortly, and nothing of it was written (a transaction commits whole or not at all).
    if (isTransient(error)) {
      const now = Date.now();
      // One line per outage, not one per request.
      if (unavailableSince === undefined || now - unavailableSince > 30_000)
        log.warn('answering 503: its database does not answer', { method: req.method, path: req.path, ...errorFields(error) });
      unavailableSince = now;
      res.setHeader('retry-after', retryAfter);
      res.status(503).json({
        error: {
          code: 'unavailable',
          message: `The service's database does not answer (${errorFields(error).error}); nothing was written. Try again in ${retryAfter} s.`,
        },
      });
      return;
    }
    if ((error as { type?: string }).type === 'entity.too.large') {
      const limit = (error as { limit?: number }).limit;
      res.status(413).json({
        error: { code: 'too-large', message: `The request body is larger than this endpoint takes${limit ? ` (${limit} bytes)` : ''}; nothing was written.` },
      });
      return;
    }
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed-json', message: 'The request body is not valid JSON.' } });
      return;
    }
    log.error('request failed', { method: req.method, path: req.path, ...errorFields(error) });
    res.status(500).json({ error: { code: 'internal', message: 'The service failed; see its log.' } });
  };
  app.use(handler);
  return app;
}

/** Parses a body with a schema; a failure is a 400 that names the first field at fault. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(body)';
    throw new HttpError(400, 'validation-failed', `${field}: ${issue.message}`, { field });
  }
  return parsed.data;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.header('authorization');
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** Listens, and on close stops taking connections and waits for those in flight. */
export function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}
