import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import type { z } from 'zod';
import { HttpError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';

export interface ServiceAppOptions {
  name: string;
  log: Logger;
  /** Throws when a dependency (database, broker) does not answer: /health/ready answers 503 then. */
  ready: () => Promise<void>;
}

/** An Express app with JSON bodies and the two health endpoints; add routes, then call `finishApp`. */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '256kb' }));
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'live', service: options.name });
  });
  app.get('/health/ready', async (_req, res) => {
    try {
      await options.ready();
      res.json({ status: 'ready', service: options.name });
    } catch (error) {
      res.status(503).json({ status: 'not-ready', service: options.name, reason: errorFields(error).error });
    }
  });
  return app;
}

/** The 404 and the one error handler: every failure answers JSON `{error: {code, message, field?}}`. */
export function finishApp(app: Express, log: Logger): Express {
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not-found', message: `No route ${req.method} ${req.path}` } });
  });
  const handler: ErrorRequestHandler = (error, req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message, ...error.details } });
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
