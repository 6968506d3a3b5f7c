/**
 * `npm run bench`: frank up to all-healthy, cold (no .frank/) and warm (data present), against
 * the raw start of the slowest single program (RabbitMQ, launched the same way by hand), and the
 * peak memory of the whole lab. Figures go to stdout as a table and to bench/results/ as JSON.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile, chmod, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { $ } from 'zx';
import amqp from 'amqplib';
import { loadOrCreateCredentials } from '../cli/src/lab/credentials.js';
import { readLabState } from '../cli/src/lab/lab-state.js';
import { randomLabOffset } from '../cli/src/lab/ephemeral-ports.js';
import { labPaths, REPOSITORY_ROOT } from '../cli/src/lab/paths.js';
import { loadTopology, type RabbitmqResource } from '../cli/src/lab/topology.js';
import { findLabelledProcesses, spawnDaemon, stopProcessGroup } from '../cli/src/runtimes/native/processes.js';
import { prepareRabbitmq } from '../cli/src/runtimes/native/rabbitmq.js';

$.quiet = true;
const frank = path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js');
const runs = Number(process.env.BENCH_RUNS ?? 3);

/** Every port free and outside the kernel's ephemeral range, where any client socket may take one. */
const freeOffset = (file: string) => randomLabOffset(file);

/** Proportional set size: shared pages (postgres' shared buffers) are counted once, not per process. */
async function labMemoryMiB(labId: string): Promise<{ pss: number; rss: number }> {
  let pss = 0;
  let rss = 0;
  for (const { pid } of await findLabelledProcesses(labId)) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return { pss: pss / 1024, rss: rss / 1024 };
}

/** Times `frank up` while sampling the lab's memory; returns seconds and the peak seen. */
async function timedUp(dir: string, offset: number) {
  let peak = 0;
  let labId: string | undefined;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      labId ??= (await readLabState(path.join(dir, '.frank', 'lab.json')))?.id;
      if (labId) peak = Math.max(peak, (await labMemoryMiB(labId)).pss);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const began = performance.now();
  await $({ cwd: dir })`node ${frank} up --port-offset ${offset}`;
  const seconds = (performance.now() - began) / 1000;
  sampling = false;
  await sampler;
  return { seconds, peak };
}

async function rabbitmqAlone(dir: string, offset: number, fresh: boolean): Promise<number> {
  const file = path.join(dir, 'frank.yaml');
  const topology = await loadTopology(file, { portOffset: offset });
  const paths = labPaths(path.join(dir, 'alone'));
  if (fresh) await rm(paths.state, { recursive: true, force: true });
  const credentials = await loadOrCreateCredentials(paths.credentialsFile, topology);
  const resource = topology.resources.find((r): r is RabbitmqResource => r.kind === 'rabbitmq')!;
  const context = { topology, paths, credentials, labId: 'bench-alone' };
  const began = performance.now();
  const spec = await prepareRabbitmq(resource, context);
  const { pid } = await spawnDaemon({ ...spec, logFile: paths.log('rabbitmq'), pidFile: paths.pid('rabbitmq'), labId: context.labId });
  const url = `amqp://${credentials.rabbitmq.user}:${credentials.rabbitmq.password}@127.0.0.1:${resource.port}`;
  for (;;) {
    try {
      await (await amqp.connect(url)).close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const seconds = (performance.now() - began) / 1000;
  await stopProcessGroup(pid, 'SIGTERM', 10_000);
  for (const leftover of await findLabelledProcesses(context.labId)) await stopProcessGroup(leftover.pid, 'SIGTERM', 2000);
  return seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dir = await mkdtemp(path.join(os.tmpdir(), 'frank-bench-'));
await chmod(dir, 0o755);
await copyFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), path.join(dir, 'frank.yaml'));
const offset = await freeOffset(path.join(dir, 'frank.yaml'));
const cold: number[] = [];
const warm: number[] = [];
const down: number[] = [];
const aloneCold: number[] = [];
const aloneWarm: number[] = [];
let peakMiB = 0;
let restingMiB = { pss: 0, rss: 0 };
try {
  for (let run = 0; run < runs; run++) {
    await $({ cwd: dir })`node ${frank} down --purge --port-offset ${offset}`;
    const c = await timedUp(dir, offset);
    cold.push(c.seconds);
    peakMiB = Math.max(peakMiB, c.peak);
    const labId = (await readLabState(path.join(dir, '.frank', 'lab.json')))!.id;
    restingMiB = await labMemoryMiB(labId);
    const downBegan = performance.now();
    await $({ cwd: dir })`node ${frank} down`;
    down.push((performance.now() - downBegan) / 1000);
    const w = await timedUp(dir, offset);
    warm.push(w.seconds);
    peakMiB = Math.max(peakMiB, w.peak);
    await $({ cwd: dir })`node ${frank} down --purge`;
    aloneCold.push(await rabbitmqAlone(dir, offset, true));
    aloneWarm.push(await rabbitmqAlone(dir, offset, false));
  }
} finally {
  await $({ cwd: dir, nothrow: true })`node ${frank} down --purge`;
  await rm(dir, { recursive: true, force: true });
}

const result = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  runs,
  coldUpSeconds: median(cold),
  warmUpSeconds: median(warm),
  downSeconds: median(down),
  rabbitmqAloneColdSeconds: median(aloneCold),
  rabbitmqAloneWarmSeconds: median(aloneWarm),
  warmRatio: median(warm) / median(aloneWarm),
  coldRatio: median(cold) / median(aloneCold),
  peakPssMiB: peakMiB,
  restingPssMiB: restingMiB.pss,
  restingRssSumMiB: restingMiB.rss,
  samples: { cold, warm, down, aloneCold, aloneWarm },
};
await mkdir(path.join(REPOSITORY_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(path.join(REPOSITORY_ROOT, 'bench', 'results', 'lab-up.json'), JSON.stringify(result, null, 2) + '\n');
const f = (n: number) => n.toFixed(2);
console.log(`frank up, whole lab (${result.machine}, median of ${runs})
  cold (no .frank/)           ${f(result.coldUpSeconds)} s    target ≤ 15 s
  warm (data present)         ${f(result.warmUpSeconds)} s
  down (the lab running)      ${f(result.downSeconds)} s
  RabbitMQ alone, cold        ${f(result.rabbitmqAloneColdSeconds)} s
  RabbitMQ alone, warm        ${f(result.rabbitmqAloneWarmSeconds)} s
  warm ratio up / RabbitMQ    ${f(result.warmRatio)}×     target ≤ 1.5×
  cold ratio up / RabbitMQ    ${f(result.coldRatio)}×
  peak memory (PSS)           ${result.peakPssMiB.toFixed(0)} MiB  target < 1536 MiB
  at rest: PSS ${restingMiB.pss.toFixed(0)} MiB, RSS summed ${restingMiB.rss.toFixed(0)} MiB`);
