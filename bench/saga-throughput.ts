/**
 * `npm run bench:saga`: sustained sagas per second through every real service at a fixed
 * concurrency (closed model), latency from POST /orders to the terminal event, and the raw
 * ceiling of this machine for the same work without services: the same number of PostgreSQL
 * commits and RabbitMQ confirmed publishes per saga, done directly. Under that same load, the
 * read side's projection lag (event to view updated, per projector); after it, the BFF's read
 * throughput with its Redis cache and without (a second BFF with no REDIS_URL). Figures to
 * stdout and bench/results/saga-throughput.json, with the CPU each process of the lab spent per
 * saga during the load (bench/lab-cpu.ts: every unit's process group, PostgreSQL's backends too).
 */
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import pg from 'pg';
import { $ } from 'zx';
import { randomLabOffset } from '../cli/src/lab/ephemeral-ports.js';
import { cpuPerSaga, labCpuMs } from './lab-cpu.js';
import { REPOSITORY_ROOT } from '../cli/src/lab/paths.js';

$.quiet = true;
const frank = path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js');
const durationS = Number(process.env.BENCH_DURATION_S ?? 60);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SERVICES = ['user', 'inventory', 'order', 'payment', 'notification', 'analytics'];

/** Every port free and outside the kernel's ephemeral range, where any client socket may take one. */
const freeOffset = (file: string) => randomLabOffset(file);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function json(url: string, init: RequestInit = {}) {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<any>;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'frank-bench-saga-'));
await chmod(dir, 0o755);
await copyFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), path.join(dir, 'frank.yaml'));
const offset = await freeOffset(path.join(dir, 'frank.yaml'));
try {
  await $({ cwd: dir })`node ${frank} up --port-offset ${offset}`;
  const env = JSON.parse((await $({ cwd: dir })`node ${frank} env --json`).stdout) as Record<string, string>;
  const status = JSON.parse((await $({ cwd: dir })`node ${frank} status --json`).stdout) as { resources: { name: string; url: string }[] };
  const url = (name: string) => status.resources.find((r) => r.name === name)!.url;

  const { token } = await json(`${url('user')}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'demo@frank.lab', password: 'frank-demo' }) });
  const products = (await json(`${url('inventory')}/products?limit=20`)) as { sku: string }[];
  for (const { sku } of products) await json(`${url('inventory')}/admin/stock/${sku}`, { method: 'POST', body: JSON.stringify({ onHand: 1_000_000 }) });

  // Terminal times come from the events themselves, so measuring does not load order-service.
  const connection = await amqp.connect(env.RABBITMQ_URL!);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  for (const key of ['order.confirmed', 'order.cancelled']) await channel.bindQueue(queue, 'frank.events', key);
  const waiting = new Map<string, (status: string) => void>();
  const early = new Map<string, string>();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const event = JSON.parse(message.content.toString()) as { type: string; data: { orderId: string; reason?: string } };
      const outcome = event.type === 'order.cancelled' ? `order.cancelled:${event.data.reason ?? ''}` : event.type;
      const done = waiting.get(event.data.orderId);
      if (done) done(outcome);
      else early.set(event.data.orderId, outcome);
    },
    { noAck: true },
  );

  /** The order's terminal event (`order.cancelled:<reason>` for a cancellation), or undefined after 30 s. */
  const outcomeOf = async (orderId: string): Promise<string | undefined> => {
    const type =
      early.get(orderId) ??
      (await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 30_000);
        waiting.set(orderId, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      }));
    waiting.delete(orderId);
    return type;
  };

  const latencies: number[] = [];
  const outcomes = { confirmed: 0, cancelled: 0, errors: 0, shed: 0 };
  const timeline: number[] = [];
  const stateDir = path.join(dir, '.frank');
  const cpuBefore = await labCpuMs(stateDir);
  const driverBefore = process.cpuUsage();
  const began = performance.now();
  const deadline = began + durationS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const sku = products[n++ % products.length]!.sku;
        const start = performance.now();
        try {
          const response = await fetch(`${url('order')}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ items: [{ sku, qty: 1 }] }),
          });
          const body = (await response.json()) as { orderId?: string; error?: { code?: string } };
          // Shed: a client comes back after Retry-After, as frank saga run does; not a saga, not an error.
          if (response.status === 503 && body.error?.code === 'overloaded') {
            outcomes.shed++;
            await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
            continue;
          }
          if (response.status !== 202 || !body.orderId) throw new Error(`POST /orders: ${response.status} ${JSON.stringify(body)}`);
          const orderId = body.orderId;
          const type = await outcomeOf(orderId);
          if (!type) throw new Error(`order ${orderId} did not settle`);
          const end = performance.now();
          latencies.push(end - start);
          timeline.push(Math.floor((end - began) / 1000));
          if (type === 'order.confirmed') outcomes.confirmed++;
          else outcomes.cancelled++;
        } catch {
          outcomes.errors++;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - began) / 1000;
  const driverUsage = process.cpuUsage(driverBefore);
  const cpuAfter = await labCpuMs(stateDir);
  const sagas = outcomes.confirmed + outcomes.cancelled;

  // Overload: an open loop offering twice the capacity just measured, no client retries. Goodput
  // is what settles confirmed per second of the window; what order-service accepted must not time out.
  const overloadS = Number(process.env.BENCH_OVERLOAD_S ?? 60);
  const capacity = sagas / elapsedS;
  const offeredPerSecond = 2 * capacity;
  const overload = { offered: 0, accepted: 0, shed: 0, errors: 0, confirmed: 0, cancelled: 0, timeouts: 0, unsettled: 0 };
  const overloadBegan = performance.now();
  const overloadEnd = overloadBegan + overloadS * 1000;
  const pending: Promise<void>[] = [];
  for (let i = 0; performance.now() < overloadEnd; i++) {
    const due = overloadBegan + (i * 1000) / offeredPerSecond;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    overload.offered++;
    const sku = products[i % products.length]!.sku;
    pending.push(
      (async () => {
        const response = await fetch(`${url('order')}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ items: [{ sku, qty: 1 }] }),
        }).catch(() => undefined);
        const body = (await response?.json().catch(() => ({}))) as { orderId?: string; error?: { code?: string } } | undefined;
        if (response?.status === 503 && body?.error?.code === 'overloaded') return void overload.shed++;
        if (response?.status !== 202 || !body?.orderId) return void overload.errors++;
        overload.accepted++;
        const orderId = body.orderId;
        const type = await outcomeOf(orderId);
        if (type === 'order.confirmed') overload.confirmed++;
        else if (type?.startsWith('order.cancelled')) {
          overload.cancelled++;
          if (type === 'order.cancelled:timeout') overload.timeouts++;
        } else overload.unsettled++;
      })(),
    );
  }
  await Promise.all(pending);
  const overloadElapsedS = (performance.now() - overloadBegan) / 1000;
  const goodputPerSecond = overload.confirmed / overloadElapsedS;
  await connection.close();
  const cpu = cpuPerSaga(cpuBefore, cpuAfter, sagas, (driverUsage.user + driverUsage.system) / 1000);

  // Projection lag over the load's events: wait for the projectors to catch up, then read their windows.
  type ViewsStatus = { projectors: { view: string; applied: number; lagMs: { samples: number; p50: number; p99: number; max: number } | null }[] };
  let views = (await json(`${url('views')}/views/status`)) as ViewsStatus;
  for (let settled = 0; settled < 3;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const next = (await json(`${url('views')}/views/status`)) as ViewsStatus;
    settled = next.projectors.every((p, i) => p.applied === views.projectors[i]!.applied) ? settled + 1 : 0;
    views = next;
  }
  const projectionLag = Object.fromEntries(views.projectors.map((p) => [p.view, p.lagMs]));

  // BFF reads: the storefront's product list pages and product details, with the cache and without.
  const bffEnv = JSON.parse((await $({ cwd: dir })`node ${frank} env --service bff --json`).stdout) as Record<string, string>;
  const uncachedPort = Number(new URL(url('bff')).port) + 90;
  const { REDIS_URL: _redis, ...withoutCache } = bffEnv;
  const uncached = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'services', 'bff', 'src', 'main.ts')], {
    env: { ...process.env, ...withoutCache, PORT: String(uncachedPort), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const uncachedUrl = `http://${new URL(url('bff')).hostname}:${uncachedPort}`;
  const readSeconds = Number(process.env.BENCH_READ_S ?? 10);
  const readPaths = [...products.slice(0, 10).map((p) => `/api/products/${p.sku}`), '/api/products?limit=20', '/api/products?limit=20&offset=20'];
  const readThroughput = async (base: string) => {
    let reads = 0;
    let misses = 0;
    const end = performance.now() + readSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = worker; performance.now() < end; i++) {
          const body = await json(`${base}${readPaths[i % readPaths.length]}`);
          if (body.source !== 'cache') misses++;
          reads++;
        }
      }),
    );
    return { readsPerSecond: reads / readSeconds, fromViews: misses / Math.max(1, reads) };
  };
  let bffReads;
  try {
    for (let attempt = 0; ; attempt++) {
      const ready = await fetch(`${uncachedUrl}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (attempt > 100) throw new Error('the BFF without cache did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    bffReads = { withCache: await readThroughput(url('bff')), withoutCache: await readThroughput(uncachedUrl) };
  } finally {
    uncached.kill();
  }

  // What one saga cost: business transactions with an outbox row, consumer transactions with an inbox row, publishes.
  let outboxRows = 0;
  let inboxRows = 0;
  for (const service of SERVICES) {
    const client = new pg.Client(env[`${service.toUpperCase()}_SERVICE_DATABASE_URL`]);
    await client.connect();
    outboxRows += (await client.query('SELECT count(*)::int AS n FROM saga_coord.outbox')).rows[0].n;
    inboxRows += (await client.query('SELECT count(*)::int AS n FROM saga_coord.inbox')).rows[0].n;
    await client.end();
  }
  // The closed loop's sagas and the overload's accepted ones wrote these rows.
  const allSagas = Math.max(1, sagas + overload.accepted);
  const commitsPerSaga = Math.max(1, Math.round((outboxRows + inboxRows) / allSagas));
  const publishesPerSaga = Math.max(1, Math.round(outboxRows / allSagas));

  // The raw ceiling: the same commits (spread over the service databases) and confirmed publishes, no services.
  const pools = SERVICES.map((s) => new pg.Pool({ connectionString: env[`${s.toUpperCase()}_SERVICE_DATABASE_URL`], max: Math.ceil(concurrency / 2) }));
  for (const pool of pools) await pool.query('CREATE TABLE IF NOT EXISTS public.bench_raw (id bigserial PRIMARY KEY, body jsonb)');
  const raw = await amqp.connect(env.RABBITMQ_URL!);
  const rawChannel = await raw.createConfirmChannel();
  const rawSeconds = Math.min(20, durationS);
  let rawSagas = 0;
  const rawBegan = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() - rawBegan < rawSeconds * 1000) {
        for (let i = 0; i < commitsPerSaga; i++)
          await pools[(worker + i) % pools.length]!.query('INSERT INTO public.bench_raw (body) VALUES ($1)', [{ worker, i }]);
        for (let i = 0; i < publishesPerSaga; i++) {
          await new Promise<void>((resolve, reject) =>
            rawChannel.publish('frank.events', 'bench.raw', Buffer.from('{}'), { persistent: true }, (error) => (error ? reject(error) : resolve())),
          );
        }
        rawSagas++;
      }
    }),
  );
  const rawPerSecond = rawSagas / ((performance.now() - rawBegan) / 1000);
  await raw.close();
  await Promise.all(pools.map((p) => p.end()));

  const sorted = [...latencies].sort((a, b) => a - b);
  const perSecond = sagas / elapsedS;
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    durationS: elapsedS,
    concurrency,
    sagas,
    outcomes,
    sagasPerSecond: perSecond,
    latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN },
    perSaga: { commits: commitsPerSaga, publishes: publishesPerSaga, outboxRows, inboxRows },
    rawCeilingPerSecond: rawPerSecond,
    ratioToCeiling: perSecond / rawPerSecond,
    projectionLagMs: projectionLag,
    cpuPerSagaMs: cpu,
    overload: {
      ...overload,
      offeredPerSecond,
      capacityPerSecond: capacity,
      goodputPerSecond,
      goodputRatio: goodputPerSecond / capacity,
      settleS: overloadElapsedS,
    },
    bffReads,
    throughputPerSecond: timeline.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {}),
  };
  await mkdir(path.join(REPOSITORY_ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(path.join(REPOSITORY_ROOT, 'bench', 'results', 'saga-throughput.json'), JSON.stringify(result, null, 2) + '\n');
  const f = (x: number) => x.toFixed(1);
  console.log(`sagas through every service (${result.machine}, ${f(elapsedS)} s, concurrency ${concurrency})
  sagas settled           ${sagas} (${outcomes.confirmed} confirmed, ${outcomes.cancelled} cancelled, ${outcomes.errors} errors; ${outcomes.shed} orders shed and sent again after Retry-After)
  throughput              ${f(perSecond)} sagas/s          target ≥ 50
  latency p50/p95/p99     ${f(result.latencyMs.p50)} / ${f(result.latencyMs.p95)} / ${f(result.latencyMs.p99)} ms   target p99 < 1000
  per saga                ${commitsPerSaga} commits, ${publishesPerSaga} confirmed publishes
  CPU per saga            ${f(cpu.labMsPerSaga)} ms, every process of the lab (the load driver ${f(cpu.loadDriverMsPerSaga)} ms more)   target ≤ 40
${cpu.units.map((u) => `    ${u.unit.padEnd(22)}${f(u.msPerSaga)} ms`).join('\n')}
  overload (open loop)    ${f(offeredPerSecond)} orders/s offered for ${overloadS} s (2× capacity): ${overload.accepted} accepted, ${overload.shed} shed (503), ${overload.errors} errors
                          goodput ${f(goodputPerSecond)} confirmed/s = ${((goodputPerSecond / capacity) * 100).toFixed(0)} % of capacity (target ≥ 90 %), ${overload.timeouts} of ${overload.accepted} accepted timed out (${((overload.timeouts / Math.max(1, overload.accepted)) * 100).toFixed(1)} %, target < 1 %), ${overload.unsettled} unsettled
  raw ceiling             ${f(rawPerSecond)} saga-equivalents/s (same commits and publishes, no services)
  ratio                   ${(result.ratioToCeiling * 100).toFixed(0)} % of the ceiling    target ≥ 25 %
  projection lag p50/p99  ${Object.entries(projectionLag)
    .map(([view, lag]) => `${view} ${lag ? `${lag.p50}/${lag.p99}` : '-'}`)
    .join(', ')} ms (last ${Math.max(...Object.values(projectionLag).map((l) => l?.samples ?? 0))} events each)
  BFF reads               ${f(bffReads.withCache.readsPerSecond)}/s with the cache (${(bffReads.withCache.fromViews * 100).toFixed(0)} % from the views), ${f(bffReads.withoutCache.readsPerSecond)}/s without`);
} finally {
  await $({ cwd: dir, nothrow: true })`node ${frank} down --purge`;
  await rm(dir, { recursive: true, force: true });
}
