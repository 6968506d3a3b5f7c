import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runService } from '@frank/kit';
import { CONSOLE_LIMITS } from '../src/lab/console-guard.js';
import { definition } from '../src/service.js';

/**
 * The lab console's API without a lab: FRANK_CLI is a stand-in that answers as the frank CLI does
 * (its JSON, its ✖ messages, its exit codes) and writes down every run and every frame it reads.
 * The real CLI against a real lab is exercised by services/web's end-to-end test.
 */
const STAND_IN = String.raw`
import { appendFileSync } from 'node:fs';
const words = process.argv.slice(2).filter((w, i, all) => w !== '--no-color' && w !== '-c' && all[i - 1] !== '-c');
const log = (line) => appendFileSync(process.env.FAKE_FRANK_LOG, line + '\n');
log('run ' + words.join(' '));
const frame = () => ({ at: new Date().toISOString(), resources: [
  { name: 'order-db', kind: 'postgres', phase: 'healthy', health: 'healthy' },
  { name: 'inventory', kind: 'service', phase: 'healthy', health: 'healthy' },
  { name: 'bff', kind: 'service', phase: 'healthy', health: 'healthy' } ],
  orders: {}, settledPerSecond: null, queues: [], outbox: {}, sagas: [], faults: [] });
const [first, second] = words;
if (first === 'dashboard' && words.includes('--once')) console.log(JSON.stringify(frame()));
else if (first === 'dashboard') {
  const tick = () => { log('frame'); process.stdout.write(JSON.stringify(frame()) + '\n'); };
  tick();
  setInterval(tick, 100);
} else if (first === 'saga') {
  process.stderr.write('✖ No order or saga ' + words[2] + ': saga_report.orders has no such order or saga id.\n');
  process.exit(1);
} else if (first === 'flags' && second === 'ls') console.log(JSON.stringify({ flags: [{ name: 'notification.sms', service: 'notification', environments: [] }] }));
else if (first === 'flags' && second === 'set') console.log(JSON.stringify({ name: words[2], environment: 'development', before: words[3] !== 'on', after: words[3] === 'on', seenAfterMs: 5 }));
else if (first === 'chaos' && second === 'heal') console.log(JSON.stringify({ healed: [] }));
else if (first === 'chaos' && words[2] === 'nowhere-db') {
  process.stderr.write('✖ No resource "nowhere-db" in frank.yaml.\n  try: Use one of: order-db, rabbitmq.\n');
  process.exit(2);
} else if (first === 'chaos' && words.includes('--for')) {
  process.stderr.write('✔ ' + words.slice(1, 4).filter((w) => !w.startsWith('--')).join(' ') + ' in force (fault f-2)\n');
  setTimeout(() => process.exit(0), Number(process.env.FAKE_HOLD_MS ?? 300));
} else if (first === 'chaos') console.log(JSON.stringify({ fault: { id: 'f-1', label: words.slice(1, -1).join(' ') }, healed: null }));
`;

const TOKEN = 'console-token-of-this-lab';

/** A request with exactly the headers given (Host included, which fetch does not let a caller choose). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the lab console API of the BFF', () => {
  let dir: string;
  let logFile: string;
  let base: string;
  let bare: string;
  const services: Awaited<ReturnType<typeof runService>>[] = [];
  const runs = async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('run '));
  const frames = async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter((l) => l === 'frame').length;
  const post = (url: string, body: unknown, type = 'application/json') =>
    fetch(base + url, {
      method: 'POST',
      headers: { 'content-type': type, 'x-frank-console-token': TOKEN },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'frank-bff-lab-'));
    logFile = path.join(dir, 'runs.log');
    process.env.FAKE_FRANK_LOG = logFile;
    await writeFile(path.join(dir, 'frank.mjs'), STAND_IN);
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const common = { USER_URL: nobody, ORDER_URL: nobody, INVENTORY_URL: nobody, JWT_SECRET: 'test-secret', WEB_DIST_DIR: dir };
    const port = await freePort();
    services.push(
      await runService(definition, {
        ...common,
        PORT: String(port),
        FRANK_CLI: path.join(dir, 'frank.mjs'),
        FRANK_CONFIG: path.join(dir, 'frank.yaml'),
        FRANK_CONSOLE_TOKEN: TOKEN,
        LAB_EVENTS_EVERY: '100ms',
      }),
    );
    base = `http://127.0.0.1:${port}`;
    const barePort = await freePort();
    services.push(await runService(definition, { ...common, PORT: String(barePort) }));
    bare = `http://127.0.0.1:${barePort}`;
  });

  afterAll(async () => {
    for (const service of services) await service.stop();
    delete process.env.FAKE_FRANK_LOG;
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the lab only while a client listens to the event stream, and pushes frames to it', async () => {
    expect(await runs()).toEqual([]);
    const controller = new AbortController();
    const answer = await fetch(`${base}/api/lab/events`, { signal: controller.signal });
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = answer.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while ((text.match(/event: frame\n/g) ?? []).length < 2) text += (await reader.read()).value;
    const data = JSON.parse(/event: frame\ndata: (.*)\n/.exec(text)![1]!) as { resources: unknown[] };
    expect(data.resources).toHaveLength(3);
    expect(await runs()).toEqual(['run dashboard --json --every 100ms']);

    controller.abort();
    await new Promise((r) => setTimeout(r, 500));
    const after = await frames();
    await new Promise((r) => setTimeout(r, 500));
    expect(await frames()).toBe(after);
  });

  it('injects a fault through frank chaos, held with --for or until heal, and heals', async () => {
    const inForce = await post('/api/lab/faults', { kind: 'latency', target: 'order-db', value: '300ms' });
    expect(inForce.status).toBe(201);
    expect(await inForce.json()).toEqual({ fault: { id: 'f-1', label: 'latency order-db 300ms' }, healed: null });
    const held = await post('/api/lab/faults', { kind: 'kill-service', target: 'inventory', for: '10s' });
    expect(held.status).toBe(202);
    expect(await held.json()).toMatchObject({ fault: { id: 'f-2', label: 'kill-service inventory' }, for: '10s' });
    const healed = await post('/api/lab/faults/heal', {});
    expect(healed.status).toBe(200);
    expect((await runs()).slice(-3)).toEqual([
      'run chaos latency order-db 300ms --json',
      'run chaos kill-service inventory --for 10s --json',
      'run chaos heal --json',
    ]);
  });

  it('refuses bad fault requests with a JSON error naming the field, and runs nothing', async () => {
    const before = (await runs()).length;
    const cases: [unknown, number, string][] = [
      [{ kind: 'latency', target: 'order-db', value: '' }, 400, 'value'],
      [{ kind: 'latency', target: 'order-db', value: '300ms', for: '10 minutes' }, 400, 'for'],
      [{ kind: 'format-disk', target: 'order-db' }, 400, 'kind'],
      [{ kind: 'kill-service', target: 'bff' }, 422, 'target'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await post('/api/lab/faults', body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect((await answer.json()).error.field).toBe(field);
    }
    const notJson = await post('/api/lab/faults', 'kind=kill-db&target=order-db', 'application/x-www-form-urlencoded');
    expect(notJson.status).toBe(415);
    expect((await notJson.json()).error.field).toBe('body');
    expect((await post('/api/lab/faults', '{"kind":', 'application/json')).status).toBe(400);
    expect((await runs()).length).toBe(before);
  });

  it("passes the CLI's refusal on: a name not in frank.yaml is a 422 with its message", async () => {
    // A fresh BFF knows no frame yet, so the CLI is the one to say no.
    const port = await freePort();
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const fresh = await runService(definition, {
      PORT: String(port),
      USER_URL: nobody,
      ORDER_URL: nobody,
      INVENTORY_URL: nobody,
      JWT_SECRET: 's',
      FRANK_CLI: path.join(dir, 'frank.mjs'),
      FRANK_CONFIG: path.join(dir, 'frank.yaml'),
      FRANK_CONSOLE_TOKEN: TOKEN,
    });
    services.push(fresh);
    const answer = await fetch(`http://127.0.0.1:${port}/api/lab/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-frank-console-token': TOKEN },
      body: JSON.stringify({ kind: 'kill-db', target: 'nowhere-db' }),
    });
    expect(answer.status).toBe(422);
    expect((await answer.json()).error).toEqual({
      code: 'unprocessable',
      message: 'No resource "nowhere-db" in frank.yaml. try: Use one of: order-db, rabbitmq.',
      field: 'target',
    });
  });

  it('answers a saga id that is not a UUID with 400 and an unknown one with 404', async () => {
    const typo = await fetch(`${base}/api/lab/sagas/not-a-uuid`);
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.field).toBe('id');
    const unknown = await fetch(`${base}/api/lab/sagas/0b8e1c1e-1111-4222-8333-444455556666`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toMatch(/^No order or saga 0b8e1c1e/);
  });

  it('answers only to its own address: a DNS-rebinding request (Host: evil.example) and a cross-origin one are refused, and nothing runs', async () => {
    const before = (await runs()).length;
    const port = new URL(base).port;
    const fault = JSON.stringify({ kind: 'kill-db', target: 'order-db' });
    const refused: { url: string; method: string; headers: Record<string, string>; body?: string; field: string }[] = [
      // A page of evil.example whose name now resolves to 127.0.0.1: the browser sends its own name as Host.
      {
        url: '/api/lab/faults',
        method: 'POST',
        headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'content-type': 'application/json', 'x-frank-console-token': TOKEN },
        body: fault,
        field: 'host',
      },
      { url: '/api/lab/session', method: 'GET', headers: { host: `evil.example:${port}` }, field: 'host' },
      { url: '/api/lab/frame', method: 'GET', headers: { host: 'evil.example' }, field: 'host' },
      // A page of another site posting to the console's real address.
      {
        url: '/api/lab/faults/heal',
        method: 'POST',
        headers: { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'application/json', 'x-frank-console-token': TOKEN },
        body: '{}',
        field: 'origin',
      },
      {
        url: '/api/lab/faults',
        method: 'POST',
        headers: { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json', 'x-frank-console-token': TOKEN },
        body: fault,
        field: 'origin',
      },
      { url: '/api/lab/session', method: 'GET', headers: { host: `localhost:${port}`, origin: 'https://127.0.0.1.evil.example' }, field: 'origin' },
    ];
    for (const attempt of refused) {
      const answer = await raw(base + attempt.url, attempt);
      expect(answer.status, JSON.stringify(attempt.headers)).toBe(403);
      expect(answer.body.error.field).toBe(attempt.field);
    }
    expect((await runs()).length).toBe(before);
    // Its own page, by either name of this machine, is served.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const own = await raw(`${base}/api/lab/session`, { headers: { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' } });
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ token: TOKEN });
    }
  });

  it("takes faults and heals only with the lab's console token, which its page reads from /api/lab/session", async () => {
    const before = (await runs()).length;
    for (const token of [undefined, 'guessed', `${TOKEN}x`]) {
      const answer = await fetch(`${base}/api/lab/faults/heal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { 'x-frank-console-token': token } : {}) },
        body: '{}',
      });
      expect(answer.status).toBe(403);
      expect((await answer.json()).error.field).toBe('x-frank-console-token');
    }
    expect((await runs()).length).toBe(before);
    const { token } = (await (await fetch(`${base}/api/lab/session`)).json()) as { token: string };
    const healed = await fetch(`${base}/api/lab/faults/heal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-frank-console-token': token },
      body: '{}',
    });
    expect(healed.status).toBe(200);
  });

  it('lists the flags with frank flags ls and sets one with frank flags set, with the token only, refusing a flag the lab does not have', async () => {
    const listed = await fetch(`${base}/api/lab/flags`);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { flags: { name: string }[] }).flags.map((f) => f.name)).toEqual(['notification.sms']);
    const before = (await runs()).length;
    const unguarded = await fetch(`${base}/api/lab/flags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"notification.sms","on":true}',
    });
    expect(unguarded.status).toBe(403);
    for (const [body, field] of [
      [{ name: 'payment.fast-lane', on: true }, 'name'],
      [{ name: 'notification.sms', on: 'yes' }, 'on'],
      [['notification.sms'], 'body'],
    ] as const) {
      const refused = await post('/api/lab/flags', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect((await refused.json()).error.field).toBe(field);
    }
    expect((await runs()).length).toBe(before);
    const set = await post('/api/lab/flags', { name: 'notification.sms', on: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ name: 'notification.sms', environment: 'development', before: false, after: true, seenAfterMs: 5 });
    expect((await runs()).slice(before)).toEqual(['run flags set notification.sms on --json']);
  });

  it('caps the frank processes a caller holds: past the cap a held fault is a 429 with Retry-After, and nothing starts', async () => {
    process.env.FAKE_HOLD_MS = '4000';
    try {
      const cap = CONSOLE_LIMITS.held;
      for (let i = 0; i < cap; i++)
        expect((await post('/api/lab/faults', { kind: 'latency', target: 'order-db', value: '10ms', for: '10s' })).status).toBe(202);
      const before = (await runs()).length;
      const over = await post('/api/lab/faults', { kind: 'latency', target: 'order-db', value: '10ms', for: '10s' });
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('30');
      expect((await over.json()).error).toMatchObject({ code: 'too-many', limit: cap });
      expect((await runs()).length).toBe(before);
      // Once the held ones heal (their processes end), the caller may hold faults again.
      await new Promise((r) => setTimeout(r, 4500));
      expect((await post('/api/lab/faults', { kind: 'latency', target: 'order-db', value: '10ms', for: '10s' })).status).toBe(202);
    } finally {
      delete process.env.FAKE_HOLD_MS;
    }
  });

  it('answers 503 with what is missing when started without FRANK_CLI, FRANK_CONFIG and FRANK_CONSOLE_TOKEN, and still serves the rest', async () => {
    for (const url of ['/api/lab/events', '/api/lab/frame']) {
      const answer = await fetch(bare + url);
      expect(answer.status).toBe(503);
      expect((await answer.json()).error.message).toMatch(/without FRANK_CLI, FRANK_CONFIG and FRANK_CONSOLE_TOKEN.*npx frank up/);
    }
    expect((await fetch(`${bare}/health/live`)).status).toBe(200);
    expect((await fetch(`${bare}/api/orders/4f1c`)).status).toBe(401);
  });
});
