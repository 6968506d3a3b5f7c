/**
 * `npm run bench:chaos`: what a user of the lab feels while a dependency is down. A steady stream
 * of orders goes to order-service (BENCH_RATE a second, each on its own, as customers would send
 * them); for each fault (kill-broker, kill-db order, kill-db payment, kill-service payment, each
 * BENCH_RUNS times) it is injected, held BENCH_FAULT_S seconds and healed the way the user heals
 * (BENCH_HEAL: `up`, the default, or `chaos-heal`). Per fault: the share of orders answered 202
 * from the injection until the heal is done, the time from the heal's start to the first saga
 * confirmed after it, how long the heal took, how many service processes it restarted, and for
 * the broker how long RabbitMQ took from the heal to accepting an AMQP connection. Every run
 * settles and the invariants are read. Figures to stdout and bench/results/chaos-availability.json.
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import pg from 'pg';
import { $ } from 'zx';
import { randomLabOffset } from '../cli/src/lab/ephemeral-ports.js';
import { openLab } from '../cli/src/lab/lab.js';
import { REPOSITORY_ROOT } from '../cli/src/lab/paths.js';
import { checkInvariants } from '../cli/src/saga/invariants.js';
import { labAccess } from '../cli/src/saga/lab-access.js';

$.quiet = true;
const frank = path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const holdS = Number(process.env.BENCH_FAULT_S ?? 8);
const rate = Number(process.env.BENCH_RATE ?? 5);
const healWith = (process.env.BENCH_HEAL ?? 'up') as 'up' | 'chaos-heal';
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const FAULTS: { name: string; args: string[]; target?: { acceptedShare?: number; recoveryS: number } }[] = [
  { name: 'kill-broker', args: ['kill-broker'], target: { acceptedShare: 0.99, recoveryS: 10 } },
  { name: 'kill-db order', args: ['kill-db', 'order'], target: { recoveryS: 10 } },
  { name: 'kill-db payment', args: ['kill-db', 'payment'], target: { acceptedShare: 0.99, recoveryS: 10 } },
  { name: 'kill-service payment', args: ['kill-service', 'payment'], target: { recoveryS: 10 } },
].filter((f) => !only || only.includes(f.name));
const SERVICES = [
  'bff',
  'user',
  'inventory',
  'order',
  'payment',
  'notification',
  'analytics',
  'payment-provider',
  'eventbridge-bridge',
  'rabbitmq-bridge',
  'views',
];

interface Attempt {
  at: number;
  status: number | 'error';
  orderId?: string;
}

interface RunFigures {
  attemptsDuringFault: number;
  acceptedDuringFault: number;
  statusesDuringFault: Record<string, number>;
  recoveryS: number | null;
  healS: number;
  rabbitmqRestartS: number | null;
  servicesRestarted: string[];
  unsettled: number;
  invariantsFailed: string[];
  /** The heal command failed (its ✖ line): the lab was healed again before the next run. */
  healFailed?: string;
}

const median = (values: number[]) => (values.length === 0 ? NaN : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!);

async function pidOf(dir: string, unit: string): Promise<number | undefined> {
  const text = await readFile(path.join(dir, '.frank', 'run', `${unit}.pid`), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as { pid: number }).pid : undefined;
}

async function servicePids(dir: string): Promise<Map<string, number | undefined>> {
  return new Map(await Promise.all(SERVICES.map(async (s) => [s, await pidOf(dir, s)] as const)));
}

/** Orders at `rate` a second, each its own request, none waiting for another: an open load. */
function orderStream(orderUrl: string, token: string, skus: string[]) {
  const attempts: Attempt[] = [];
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const at = Date.now();
      const sku = skus[i % skus.length]!;
      const request = (async () => {
        try {
          const response = await fetch(`${orderUrl}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ items: [{ sku, qty: 1 }] }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = (await response.json().catch(() => ({}))) as { orderId?: string };
          attempts.push({ at, status: response.status, ...(body.orderId ? { orderId: body.orderId } : {}) });
        } catch {
          attempts.push({ at, status: 'error' });
        }
      })();
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      await sleep(1000 / rate);
    }
  })();
  return {
    attempts,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
    },
  };
}

/** When the broker first accepts an AMQP connection from now on. */
async function brokerAcceptsAt(url: string, deadline: number): Promise<number | null> {
  while (Date.now() < deadline) {
    try {
      const connection = await amqp.connect(url, { timeout: 1000 });
      await connection.close().catch(() => undefined);
      return Date.now();
    } catch {
      await sleep(50);
    }
  }
  return null;
}

async function firstConfirmedSince(orderDb: pg.Pool, since: number, deadline: number): Promise<number | null> {
  while (Date.now() < deadline) {
    try {
      const { rows } = await orderDb.query<{ at: Date | null }>(
        "SELECT min(updated_at) AS at FROM order_domain.orders WHERE status = 'CONFIRMED' AND updated_at >= to_timestamp($1 / 1000.0)",
        [since],
      );
      if (rows[0]?.at) return rows[0].at.getTime();
    } catch {
      /* order-db itself may be coming back */
    }
    await sleep(100);
  }
  return null;
}

async function unsettled(orderDb: pg.Pool, ids: string[]): Promise<number> {
  const { rows } = await orderDb.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM order_domain.orders WHERE id::text = ANY($1) AND status NOT IN ('CONFIRMED', 'CANCELLED')",
    [ids],
  );
  return (
    rows[0]!.n +
    ids.length -
    (await orderDb.query<{ n: number }>('SELECT count(*)::int AS n FROM order_domain.orders WHERE id::text = ANY($1)', [ids])).rows[0]!.n
  );
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'frank-bench-chaos-'));
await chmod(dir, 0o755);
const file = path.join(dir, 'frank.yaml');
await copyFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), file);
// Every port free and outside the kernel's ephemeral range.
const offset = await randomLabOffset(file);
const results: { fault: string; runs: RunFigures[] }[] = [];
try {
  console.error(
    `chaos availability: lab at port offset ${offset}, ${rate} orders/s, faults held ${holdS} s, healed with ${healWith === 'up' ? '`frank up`' : '`frank chaos heal`'}, ${runs} run(s) each`,
  );
  await $({ cwd: dir })`node ${frank} up --port-offset ${offset}`;
  const lab = await openLab({ config: file });
  const access = await labAccess(lab);
  const orderUrl = access.url('order');
  const { token } = (await (
    await fetch(`${access.url('user')}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@frank.lab', password: 'frank-demo' }),
    })
  ).json()) as { token: string };
  const products = (await (await fetch(`${access.url('inventory')}/products?limit=20`)).json()) as { sku: string }[];
  const skus = products.map((p) => p.sku);
  for (const sku of skus)
    await fetch(`${access.url('inventory')}/admin/stock/${sku}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ onHand: 1_000_000 }),
    });
  const orderDb = access.db('order');

  for (const fault of FAULTS) {
    const figures: RunFigures[] = [];
    for (let run = 1; run <= runs; run++) {
      const before = await servicePids(dir);
      const stream = orderStream(orderUrl, token, skus);
      await sleep(3000);
      await $({ cwd: dir })`node ${frank} chaos ${fault.args}`;
      const injectedAt = Date.now();
      await sleep(holdS * 1000);
      const healAt = Date.now();
      const confirmed = firstConfirmedSince(orderDb, healAt, healAt + 90_000);
      const brokerBack = fault.name === 'kill-broker' ? brokerAcceptsAt(access.amqpUrl, healAt + 90_000) : Promise.resolve(null);
      const healed =
        healWith === 'up' ? await $({ cwd: dir, nothrow: true })`node ${frank} up` : await $({ cwd: dir, nothrow: true })`node ${frank} chaos heal`;
      const healedAt = Date.now();
      const healFailed = healed.exitCode === 0 ? undefined : (/✖ (.*)/.exec(healed.stderr)?.[1] ?? `exit ${healed.exitCode}`).slice(0, 200);
      const firstConfirmed = await confirmed;
      const brokerAt = await brokerBack;
      await sleep(3000);
      await stream.stop();
      const after = await servicePids(dir);
      const window = stream.attempts.filter((a) => a.at >= injectedAt && a.at < healedAt);
      const statuses: Record<string, number> = {};
      for (const a of window) statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
      const accepted = stream.attempts.filter((a) => a.status === 202 && a.orderId).map((a) => a.orderId!);
      let left = accepted.length;
      for (const until = Date.now() + 120_000; Date.now() < until; await sleep(500)) {
        left = await unsettled(orderDb, accepted);
        if (left === 0) break;
      }
      let failed: string[] = [];
      for (const until = Date.now() + 60_000; ; await sleep(1000)) {
        failed = (
          await checkInvariants(access, { placedOrderIds: accepted }).catch((error: unknown) => ({
            invariants: [{ name: `unreadable: ${String(error)}`, ok: false }],
          }))
        ).invariants
          .filter((i) => !i.ok)
          .map((i) => i.name);
        if (failed.length === 0 || Date.now() > until) break;
      }
      const row: RunFigures = {
        attemptsDuringFault: window.length,
        acceptedDuringFault: window.filter((a) => a.status === 202).length,
        statusesDuringFault: statuses,
        recoveryS: firstConfirmed === null ? null : (firstConfirmed - healAt) / 1000,
        healS: (healedAt - healAt) / 1000,
        rabbitmqRestartS: brokerAt === null ? null : (brokerAt - healAt) / 1000,
        servicesRestarted: SERVICES.filter((s) => before.get(s) !== after.get(s)),
        unsettled: left,
        invariantsFailed: failed,
        ...(healFailed ? { healFailed } : {}),
      };
      figures.push(row);
      console.error(
        `  ${fault.name} #${run}: ${row.acceptedDuringFault}/${row.attemptsDuringFault} accepted during the fault ${JSON.stringify(statuses)}; first confirmed ${row.recoveryS?.toFixed(1) ?? '—'} s after the heal began; heal ${row.healS.toFixed(1)} s${row.rabbitmqRestartS !== null ? `; RabbitMQ accepting after ${row.rabbitmqRestartS.toFixed(1)} s` : ''}; services restarted: ${row.servicesRestarted.join(', ') || 'none'}; unsettled ${left}; invariants ${failed.length ? `FAILED: ${failed.join(', ')}` : 'hold'}${healFailed ? `; the heal FAILED: ${healFailed}` : ''}`,
      );
      // The next run starts from a lab that is whole again.
      await $({ cwd: dir, nothrow: true })`node ${frank} chaos heal`;
      for (let attempt = 1; (await $({ cwd: dir, nothrow: true })`node ${frank} up`).exitCode !== 0; attempt++)
        if (attempt >= 3) throw new Error('the lab does not come back whole: `frank up` failed three times');
    }
    results.push({ fault: fault.name, runs: figures });
  }
  await access.close();
} finally {
  await $({ cwd: dir, nothrow: true })`node ${frank} down --purge`;
  await rm(dir, { recursive: true, force: true });
}

const summary = results.map(({ fault, runs: figures }) => {
  const share = median(figures.map((f) => (f.attemptsDuringFault === 0 ? 1 : f.acceptedDuringFault / f.attemptsDuringFault)));
  const recoveries = figures.map((f) => f.recoveryS).filter((s): s is number => s !== null);
  const restarts = figures.map((f) => f.rabbitmqRestartS).filter((s): s is number => s !== null);
  const target = FAULTS.find((f) => f.name === fault)!.target;
  return {
    fault,
    acceptedShare: share,
    minAcceptedShare: Math.min(...figures.map((f) => (f.attemptsDuringFault === 0 ? 1 : f.acceptedDuringFault / f.attemptsDuringFault))),
    recoveryS: recoveries.length === figures.length ? median(recoveries) : null,
    healS: median(figures.map((f) => f.healS)),
    rabbitmqRestartS: restarts.length > 0 ? median(restarts) : null,
    servicesRestarted: [...new Set(figures.flatMap((f) => f.servicesRestarted))],
    unsettled: figures.reduce((n, f) => n + f.unsettled, 0),
    invariantsHold: figures.every((f) => f.invariantsFailed.length === 0),
    healsFailed: figures.filter((f) => f.healFailed).length,
    meets:
      (target?.acceptedShare === undefined || share >= target.acceptedShare) &&
      recoveries.length === figures.length &&
      median(recoveries) <= (target?.recoveryS ?? Infinity),
    target,
  };
});
const result = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  runs,
  holdS,
  rate,
  heal: healWith,
  summary,
  samples: results,
};
await mkdir(path.join(REPOSITORY_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(path.join(REPOSITORY_ROOT, 'bench', 'results', 'chaos-availability.json'), JSON.stringify(result, null, 2) + '\n');
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;
const s = (n: number | null) => (n === null ? '—' : `${n.toFixed(1)} s`);
console.log(
  `chaos availability (${result.machine}; ${rate} orders/s; faults held ${holdS} s; heal: ${healWith === 'up' ? 'frank up' : 'frank chaos heal'}; median of ${runs})`,
);
console.log(
  [
    'fault'.padEnd(22),
    'accepted during fault'.padEnd(24),
    'heal → first confirmed'.padEnd(24),
    'heal took'.padEnd(10),
    'RabbitMQ restart'.padEnd(17),
    'services restarted'.padEnd(19),
    'settled, invariants',
  ].join(''),
);
for (const row of summary) {
  const target = row.target?.acceptedShare !== undefined ? ` (≥ ${pct(row.target.acceptedShare)})` : '';
  console.log(
    [
      row.fault.padEnd(22),
      `${pct(row.acceptedShare)}${target}`.padEnd(24),
      `${s(row.recoveryS)} (≤ ${row.target?.recoveryS ?? '—'} s)`.padEnd(24),
      s(row.healS).padEnd(10),
      s(row.rabbitmqRestartS).padEnd(17),
      (row.servicesRestarted.join(',') || 'none').padEnd(19),
      `${row.unsettled === 0 ? 'all settled' : `${row.unsettled} unsettled`}, ${row.invariantsHold ? 'hold' : 'BROKEN'}${row.healsFailed ? `; ${row.healsFailed} heal(s) failed` : ''}${row.meets ? '' : '  ✖ target missed'}`,
    ].join(''),
  );
}
