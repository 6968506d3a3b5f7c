import type { ChildProcess } from 'node:child_process';
import { HttpError, type Logger } from '@frank/kit';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { parseFaultRequest, type FaultRequest, type KnownUnits } from './fault-request.js';
import { parseFlagRequest } from './flag-request.js';
import { cliMessage, type CliRun, type FrankCli } from './frank-cli.js';
import { ConsoleQuota, sameOriginOnly, tokenRequired } from './console-guard.js';
import type { LabFrames } from './lab-frames.js';

export interface LabConsoleDeps {
  /** Undefined when the BFF was started without FRANK_CLI, FRANK_CONFIG and FRANK_CONSOLE_TOKEN (not by `frank up`): every route answers 503. */
  console: { cli: FrankCli; frames: LabFrames; token: string } | undefined;
  /** The addresses the console answers to (its own: see `consoleHosts`). */
  hosts: Set<string>;
  log: Logger;
  heartbeatMs?: number;
  quota?: ConsoleQuota;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Faults change the lab: only from this machine, and only as JSON (a cross-site form cannot send
 * that without a CORS preflight, which nothing here answers).
 */
function fromThisMachine(req: Request, _res: Response, next: NextFunction): void {
  if (!LOOPBACK.test(req.socket.remoteAddress ?? ''))
    throw new HttpError(403, 'forbidden', 'Faults are injected and healed only from the machine the lab runs on (loopback).');
  if (!req.is('application/json'))
    throw new HttpError(415 as number, 'validation-failed', 'body: send JSON (content-type: application/json)', { field: 'body' });
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

/** Who holds console processes: the caller's address. */
const callerOf = (req: Request) => req.socket.remoteAddress ?? 'unknown';

/**
 * The lab console's API, answered by the frank CLI of the lab (`FRANK_CLI -c FRANK_CONFIG`):
 *   GET  /api/lab/session       the lab's console token, for the console's own page
 *   GET  /api/lab/events        server-sent events: a `frame` (frank dashboard --json) every interval, while anyone listens
 *   GET  /api/lab/frame         the latest frame (or one read now)
 *   GET  /api/lab/sagas/:id     one saga's timeline (frank saga show --json)
 *   POST /api/lab/faults        inject a fault of frank chaos {kind, target, resource?, value?, for?}
 *   POST /api/lab/faults/heal   heal every fault (frank chaos heal --json)
 *   GET  /api/lab/flags         the lab's feature flags (frank flags ls --json)
 *   POST /api/lab/flags         set one {name, on} (frank flags set <name> on|off --json)
 * Every route answers only to the lab's own address and page (Host, Origin: no DNS rebinding, no
 * other site); faults, heals and flag changes come from this machine, as JSON, with the token. A caller holds
 * at most a few frank processes at once (CONSOLE_LIMITS); past that, 429.
 */
export function labRoutes(deps: LabConsoleDeps): Router & { endStreams(): void } {
  const router = Router();
  const held = new Set<ChildProcess>();
  const streams = new Set<Response>();
  const quota = deps.quota ?? new ConsoleQuota();
  router.use('/api/lab', (_req, _res, next) => {
    if (!deps.console)
      throw new HttpError(
        503,
        'unavailable',
        'The lab console is not available: this BFF was started without FRANK_CLI, FRANK_CONFIG and FRANK_CONSOLE_TOKEN, which `npx frank up` gives it. The storefront works as before.',
      );
    next();
  });
  router.use('/api/lab', sameOriginOnly(deps.hosts));
  const lab = () => deps.console!;
  const guardChange = (req: Request, res: Response, next: NextFunction) => fromThisMachine(req, res, () => tokenRequired(lab().token)(req, res, next));
  /** Runs one frank command to its end, counted against the caller's cap. */
  const runCli = async (req: Request, res: Response, args: string[], timeoutMs: number): Promise<CliRun> => {
    const release = quota.acquire('run', callerOf(req), res);
    try {
      return await lab().cli.run(args, { timeoutMs });
    } finally {
      release();
    }
  };

  router.get('/api/lab/session', (_req, res) => {
    // Readable by the console's own page only: Host and Origin are checked above, and a page of
    // another site cannot read a JSON answer without CORS headers, which nothing here sends.
    res.setHeader('cache-control', 'no-store');
    res.json({ token: lab().token });
  });

  router.get('/api/lab/events', (req, res) => {
    const release = quota.acquire('stream', callerOf(req), res);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const unsubscribe = lab().frames.subscribe((event) => {
      if (event.type === 'frame') res.write(`event: frame\ndata: ${JSON.stringify(event.frame)}\n\n`);
      else res.write(`event: lab-error\ndata: ${JSON.stringify({ message: event.message })}\n\n`);
    });
    // A comment now and then keeps proxies and idle timers from closing a quiet stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 15_000);
    streams.add(res);
    req.on('close', () => {
      release();
      streams.delete(res);
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  router.get('/api/lab/frame', async (_req, res) => {
    const latest = lab().frames.polling ? lab().frames.latest : undefined;
    if (latest) return void res.json(latest);
    const run = await runCli(_req, res, ['dashboard', '--once', '--json'], 30_000);
    if (run.exitCode !== 0) throw failed(run, 'frank dashboard');
    res.type('json').send(run.stdout);
  });

  router.get('/api/lab/sagas/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new HttpError(400, 'validation-failed', `id: "${id.slice(0, 60)}" is not an order or saga id (a UUID)`, { field: 'id' });
    const run = await runCli(req, res, ['saga', 'show', id, '--json'], 30_000);
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
      const run = await runCli(req, res, args, 120_000);
      if (run.exitCode !== 0) throw failed(run, `frank ${args.join(' ')}`, fieldOf(cliMessage(run.stderr), request, body));
      return void res.status(201).type('json').send(run.stdout);
    }
    // With --for the CLI holds the fault and heals it when the time is up: answer once it is in force, let it hold.
    const release = quota.acquire('held', callerOf(req), res);
    const child = lab().cli.start(args);
    held.add(child);
    child.once('exit', release);
    child.once('error', release);
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

  router.get('/api/lab/flags', async (req, res) => {
    const run = await runCli(req, res, ['flags', 'ls', '--json'], 30_000);
    if (run.exitCode !== 0) throw failed(run, 'frank flags ls');
    res.type('json').send(run.stdout);
  });

  // The same path as `frank flags set`: it answers once the flag's service reads the new state.
  router.post('/api/lab/flags', guardChange, async (req, res) => {
    const flag = parseFlagRequest(req.body);
    const args = ['flags', 'set', flag.name, flag.on ? 'on' : 'off', '--json'];
    deps.log.info('lab console: setting a flag', { args: args.join(' ') });
    const run = await runCli(req, res, args, 60_000);
    if (run.exitCode !== 0) throw failed(run, `frank ${args.join(' ')}`, 'name');
    res.type('json').send(run.stdout);
  });

  router.post('/api/lab/faults/heal', guardChange, async (req, res) => {
    const run = await runCli(req, res, ['chaos', 'heal', '--json'], 180_000);
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
