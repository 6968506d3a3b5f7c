/**
 * `npm run bench:cloud`: how long the cloud commands take against the lab's own AWS emulator.
 * `frank cloud plan --emulator` (init and plan of terraform/envs/aws from an empty state, its Lambdas
 * packaged) against a running lab, and one `frank cloud rehearse` with its steps: the rehearsal lab,
 * the plans, the apply, the provisioner, the services' boot, the scenarios, the destroy; and how
 * many of the resources planned were applied. Figures go to stdout and to bench/results/cloud.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RehearsalReport } from '../cli/src/cloud/rehearse.js';
import { REPOSITORY_ROOT } from '../cli/src/lab/paths.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../cli/test/lab-fixture.js';

const plans = Number(process.env.BENCH_RUNS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const dir = await makeLabDir();
try {
  const up = await runFrank(dir, ['up', '--no-services', '--port-offset', String(await freeOffset(dir))]);
  if (up.exitCode !== 0) throw new Error(`frank up failed:\n${up.stderr}`);
  const planMs: number[] = [];
  let planned = 0;
  for (let run = 0; run < plans; run++) {
    const began = performance.now();
    const plan = await runFrank(dir, ['--json', 'cloud', 'plan', '--emulator', '--allow-plain-http']);
    if (plan.exitCode !== 0) throw new Error(`frank cloud plan failed:\n${plan.stderr}`);
    planMs.push(performance.now() - began);
    planned = (JSON.parse(plan.stdout) as { summary: { create: number } }).summary.create;
  }
  await runFrank(dir, ['down']);

  const began = performance.now();
  const rehearsal = await runFrank(dir, ['--json', 'cloud', 'rehearse']);
  const rehearseMs = performance.now() - began;
  const report = JSON.parse(rehearsal.stdout) as RehearsalReport;
  if (report.verdict !== 'pass') throw new Error(`frank cloud rehearse did not pass:\n${rehearsal.stderr.slice(-4000)}`);
  const bootMs = Math.max(...report.services.map((s) => s.bootMs ?? 0));
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores`,
    plan: { runs: plans, medianMs: median(planMs), allMs: planMs, resources: planned },
    rehearse: {
      totalMs: rehearseMs,
      labUpMs: report.lab.upMs,
      planMs: report.plan.ms,
      applyMs: report.apply.ms,
      provisionMs: report.provision?.ms,
      bootMs,
      scenarios: report.scenarios.map((s) => ({ name: s.name, placed: s.placed, ms: s.ms })),
      destroyMs: report.destroy?.ms,
      planned: report.plan.planned,
      applied: report.apply.applied,
      leftOut: report.apply.excluded.reduce((sum, e) => sum + e.planned, 0),
      standIns: report.apply.applied - (report.plan.planned - report.apply.excluded.reduce((sum, e) => sum + e.planned, 0)),
    },
  };
  await mkdir(path.join(REPOSITORY_ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(path.join(REPOSITORY_ROOT, 'bench', 'results', 'cloud.json'), JSON.stringify(result, null, 2) + '\n');
  const r = result.rehearse;
  console.log(`frank cloud against the lab's AWS emulator (${result.machine})`);
  console.log(
    `  cloud plan --emulator      ${seconds(result.plan.medianMs)} (median of ${plans}: ${planMs.map(seconds).join(', ')}), ${planned} resources from an empty state`,
  );
  console.log(`  cloud rehearse             ${seconds(r.totalMs)} in all`);
  console.log(`    rehearsal lab up         ${seconds(r.labUpMs)}`);
  console.log(`    init and plan            ${seconds(r.planMs)}`);
  console.log(
    `    apply                    ${seconds(r.applyMs)}: ${r.applied} of ${r.planned} planned applied (${r.leftOut} left out as moto cannot create them, ${r.standIns} stand-ins)`,
  );
  console.log(`    provisioner              ${seconds(r.provisionMs ?? 0)}`);
  console.log(`    services booted          ${seconds(r.bootMs)} (the slowest of ${report.services.length})`);
  for (const s of r.scenarios) console.log(`    scenario ${s.name.padEnd(16)} ${seconds(s.ms)} (${s.placed} orders)`);
  console.log(`    destroy                  ${seconds(r.destroyMs ?? 0)}`);
} finally {
  await runFrank(dir, ['-c', path.join(dir, '.frank', 'rehearsal', 'frank.yaml'), 'down', '--purge']);
  await removeLabDir(dir);
}
