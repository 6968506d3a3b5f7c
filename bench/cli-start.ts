/**
 * `npm run bench:cli`: how long a frank command takes from `node` to exit, run from the bundle
 * (what `bin/frank.js` does) against run from the TypeScript through tsx (what it did before).
 * Commands that need no lab. Figures go to stdout and to bench/results/cli-start.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { buildCliBundle } from '../cli/src/cli-bundle.js';
import { REPOSITORY_ROOT } from '../cli/src/lab/paths.js';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const commands = [['--version'], ['saga', 'list'], ['completion', 'bash']];
const bin = path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js');
const sources = path.join(REPOSITORY_ROOT, 'cli', 'src', 'main.ts');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function seconds(args: string[]): Promise<number> {
  const began = performance.now();
  await execa(process.execPath, args, { cwd: REPOSITORY_ROOT, env: { NO_COLOR: '1' }, stdin: 'ignore' });
  return (performance.now() - began) / 1000;
}

await buildCliBundle();
const rows: { command: string; bundleSeconds: number; tsxSeconds: number }[] = [];
for (const command of commands) {
  const bundle: number[] = [];
  const tsx: number[] = [];
  // Interleaved, so that a busy moment of the machine falls on both.
  for (let run = 0; run < runs; run++) {
    bundle.push(await seconds([bin, ...command]));
    tsx.push(await seconds(['--import', 'tsx', sources, ...command]));
  }
  rows.push({ command: command.join(' '), bundleSeconds: median(bundle), tsxSeconds: median(tsx) });
}
const bareRuns: number[] = [];
for (let run = 0; run < runs; run++) bareRuns.push(await seconds(['-e', '0']));
const bare = median(bareRuns);

const result = { date: new Date().toISOString(), machine: `${os.cpus().length} cores`, runs, nodeBareSeconds: bare, commands: rows };
await mkdir(path.join(REPOSITORY_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(path.join(REPOSITORY_ROOT, 'bench', 'results', 'cli-start.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`frank command start to exit (${result.machine}, median of ${runs}; node alone ${bare.toFixed(2)} s)`);
for (const r of rows)
  console.log(
    `  frank ${r.command.padEnd(16)} bundle ${r.bundleSeconds.toFixed(2)} s   tsx ${r.tsxSeconds.toFixed(2)} s   ${(r.tsxSeconds / r.bundleSeconds).toFixed(1)}× faster`,
  );
