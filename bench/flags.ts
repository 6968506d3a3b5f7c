/**
 * `npm run bench:flags`: Unleash in the lab. Its boot from `frank up` to healthy, cold (an empty
 * database: Unleash migrates it) and warm (after `down`), and how long a flag set with `frank
 * flags set` takes to reach the service that reads it: from the change in Unleash to the first
 * GET /internal/flags of that service that shows it (the kit's client polls every second).
 * Figures go to stdout and to bench/results/flags.json.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { $ } from 'zx';
import { randomLabOffset } from '../cli/src/lab/ephemeral-ports.js';
import { setFlag, type FlagName } from '../cli/src/lab/flags.js';
import { openLab } from '../cli/src/lab/lab.js';
import { REPOSITORY_ROOT } from '../cli/src/lab/paths.js';

$.quiet = true;
const frank = path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js');
const flips = Number(process.env.BENCH_FLIPS ?? 20);

/** Unleash's own line of `frank up`'s progress (no terminal: one plain line per unit and phase). */
function unleashHealthySeconds(stderr: string): number {
  const match = /^\s*unleash\s+([\d.]+)s\s+healthy/m.exec(stderr);
  if (!match) throw new Error(`frank up printed no healthy line for unleash:\n${stderr}`);
  return Number(match[1]);
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

const dir = await mkdtemp(path.join(os.tmpdir(), 'frank-bench-flags-'));
await chmod(dir, 0o755);
const config = path.join(dir, 'frank.yaml');
await copyFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), config);
const offset = await randomLabOffset(config);
/** Cold up with every service, the flips, then down and a warm up of the servers alone. */
async function measure() {
  const propagation: number[] = [];
  let unseen = 0;
  try {
    const coldBoot = unleashHealthySeconds((await $({ cwd: dir })`node ${frank} up --port-offset ${offset}`).stderr);
    const lab = await openLab({ config });
    const names: FlagName[] = ['notification.sms', 'payment.provider-v2'];
    for (let i = 0; i < flips; i++) {
      const change = await setFlag(lab, names[i % names.length]!, i % 4 < 2);
      if (change.seenAfterMs === undefined) unseen++;
      else propagation.push(change.seenAfterMs);
    }
    await $({ cwd: dir })`node ${frank} down`;
    const warmBoot = unleashHealthySeconds((await $({ cwd: dir })`node ${frank} up --no-services`).stderr);
    return { coldBoot, warmBoot, propagation, unseen };
  } finally {
    await $({ cwd: dir, nothrow: true })`node ${frank} down --purge`;
    await rm(dir, { recursive: true, force: true });
  }
}

const { coldBoot, warmBoot, propagation, unseen } = await measure();

const result = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  unleashColdBootSeconds: coldBoot,
  unleashWarmBootSeconds: warmBoot,
  flips,
  unseenWithin10s: unseen,
  propagationMs: { p50: percentile(propagation, 50), p95: percentile(propagation, 95), max: Math.max(...propagation), min: Math.min(...propagation) },
  samples: propagation,
};
await mkdir(path.join(REPOSITORY_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(path.join(REPOSITORY_ROOT, 'bench', 'results', 'flags.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`Unleash in the lab (${result.machine})
  boot to healthy, cold (empty database)   ${coldBoot.toFixed(1)} s
  boot to healthy, warm (after down)       ${warmBoot.toFixed(1)} s
  flag set → its service reads it          p50 ${result.propagationMs.p50} ms, p95 ${result.propagationMs.p95} ms, max ${result.propagationMs.max} ms  (${flips} flips, ${unseen} unseen within 10 s; the client polls every 1 s)`);
