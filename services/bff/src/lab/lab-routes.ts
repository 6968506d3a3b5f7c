import type { ChildProcess } from 'node:child_process';
import { HttpError, type Logger } from '@frank/kit';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { parseFaultRequest, type FaultRequest, type KnownUnits } from './fault-request.js';
import { cliMessage, type CliRun, type FrankCli } from './frank-cli.js';
import type { LabFrames } from './lab-frames.js';

export interface LabConsoleDeps {
  /** Undefined when the BFF was started without FRANK_CLI and FRANK_CONFIG (not by `frank up`): every route answers 503. */
  console: { cli: FrankCli; frames: LabFrames } | undefined;
  log: Logger;
  heartbeatMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Faults change the lab: only from this machine, and only as JSON (a cross-site form cannot send that without a CORS preflight, which nothing here answers). */
function guardChange(req: Request, _res: Response, next: NextFunction): void {
  if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) throw new HttpError(403, 'forbidden', 'Faults are injected and healed only from the machine the lab runs on (loopback).');
  if (!req.is('application/json')) throw new HttpError(415 as number, 'validation-failed', 'body: send JSON (content-type: application/json)', { field: 'body' });
  next();
}

function failed(run: CliRun, what: string, field?: string): HttpError {
  const message = cliMessage(run.stderr);
  // Exit 2 is the CLI's usage error: the request named something the lab does not have.
  if (run.exitCode === 2) return new HttpError(422, 'unprocessable', message, field ? { field } : {});
  return new HttpError(409, 'conflict', `${what} failed: ${message}`);
}

function knownUnits(frames: LabFrames): KnownUnits | undefined {
  const resources = frames.latest?.resources;
  return resources ? { names: new Map(resources.map((r) => [r.name, r.kind])) } : undefined;
}

/** Which field of the request a CLI usage error is about, when its message quotes it. */
function fieldOf(message: string, request: FaultRequest, body: Record<string, unknown>): string | undefined {
  for (const field of ['resource', 'value', 'for', 'target']) {
    const value = body[field];
    if (typeof value === 'string' && value.trim() && message.includes(value.trim())) return field;
  }
  return request.words.length > 1 ? 'target' : undefined;
}

/**
 * The lab console's API, answered by the frank CLI of the lab (`FRANK_CLI -c FRANK_CONFIG`):
 *   GET  /api/lab/events        server-sent events: a `frame` (frank dashboard --json) every interval, while anyone listens
 *   GET  /api/lab/frame         the latest frame (or one read now)
 *   GET  /api/lab/sagas/:id     one saga's timeline (frank saga show --json)
 *   POST /api/lab/faults        inject a fault of frank chaos {kind, target, resource?, value?, for?}
 *   POST /api/lab/faults/heal   heal every fault (frank chaos heal --json)
 */
export function labRoutes(deps: LabConsoleDeps): Router & { endStreams(): void } {
  const router = Router();
  const held = new Set<ChildProcess>();
  const streams = new Set<Response>();
  router.use('/api/lab', (_req, _res, next) => {
    if (!deps.console)
      throw new HttpError(503, 'unavailable', 'The lab console is not available: this BFF was started without FRANK_CLI and FRANK_CONFIG, which `npx frank up` gives it. The storefront works as before.');
    next();
  });
  const lab = () => deps.console!;

  router.get('/api/lab/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const unsubscribe = lab().frames.subscribe((event) => {
      if (event.type === 'frame') res.write(`event: frame\ndata: ${JSON.stringify(event.frame)}\n\n`);
      else res.write(`event: lab-error\ndata: ${JSON.stringify({ message: event.message })}\n\n`);
    });
    // A comment now and then keeps proxies and idle timers from closing a quiet stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 15_000);
    streams.add(res);
    req.on('close', () => {
      streams.delete(res);
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  router.get('/api/lab/frame', async (_req, res) => {
    const latest = lab().frames.polling ? lab().frames.latest : undefined;
    if (latest) return void res.json(latest);
    const run = await lab().cli.run(['dashboard', '--once', '--json'], { timeoutMs: 30_000 });
    if (run.exitCode !== 0) throw failed(run, 'frank dashboard');
    res.type('json').send(run.stdout);
  });

  router.get('/api/lab/sagas/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new HttpError(400, 'validation-failed', `id: "${id.slice(0, 60)}" is not an order or saga id (a UUID)`, { field: 'id' });
    const run = await lab().cli.run(['saga', 'show', id, '--json'], { timeoutMs: 30_000 });
    if (run.exitCode === 1 && /No order or saga/.test(run.stderr)) throw new HttpError(404, 'not-found', cliMessage(run.stderr));
    if (run.exitCode !== 0) throw failed(run, 'frank saga show', 'id');
    res.type('json').send(run.stdout);
  });

  router.post('/api/lab/faults', guardChange, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const request = parseFaultRequest(req.body, knownUnits(lab().frames));
    const args = ['chaos', ...request.words, ...(request.for ? ['--for', request.for] : []), '--json'];
    deps.log.info('lab console: injecting a fault', { args: args.join(' ') });
    if (!request.for) {
      const run = await lab().cli.run(args, { timeoutMs: 120_000 });
      if (run.exitCode !== 0) throw failed(run, `frank ${args.join(' ')}`, fieldOf(cliMessage(run.stderr), request, body));
      return void res.status(201).type('json').send(run.stdout);
    }
    // With --for the CLI holds the fault and heals it when the time is up: answer once it is in force, let it hold.
    const child = lab().cli.start(args);
    held.add(child);
    let stderr = '';
    const answer = await new Promise<{ id: string; label: string } | { exitCode: number }>((resolve) => {
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const inForce = /^✔ (.+) in force \(fault ([^)]+)\)/m.exec(stderr);
        if (inForce) resolve({ label: inForce[1]!, id: inForce[2]! });
      });
      child.stdout!.resume();
      child.once('error', () => resolve({ exitCode: 1 }));
      child.once('exit', (code) => {
        held.delete(child);
        resolve({ exitCode: code ?? 1 });
      });
    });
    if ('exitCode' in answer) {
      const run = { exitCode: answer.exitCode, stdout: '', stderr };
      throw failed(run, `frank ${args.join(' ')}`, fieldOf(cliMessage(stderr), request, body));
    }
    res.status(202).json({ fault: { id: answer.id, label: answer.label }, for: request.for, holder: child.pid });
  });

  router.post('/api/lab/faults/heal', guardChange, async (_req, res) => {
    const run = await lab().cli.run(['chaos', 'heal', '--json'], { timeoutMs: 180_000 });
    if (run.exitCode !== 0) throw failed(run, 'frank chaos heal');
    res.type('json').send(run.stdout);
  });

  // On shutdown the streams end (EventSource reconnects to whoever serves next), or the server would wait for them forever.
  return Object.assign(router, {
    endStreams() {
      for (const res of streams) res.end();
    },
  });
}
