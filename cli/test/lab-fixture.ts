import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { readLabState } from '../src/lab/lab-state.js';
import { REPOSITORY_ROOT } from '../src/lab/paths.js';
import { randomLabOffset } from '../src/lab/ephemeral-ports.js';
import { findLabelledProcesses } from '../src/runtimes/native/processes.js';

const FRANK = path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js');

export interface FrankRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A lab folder of its own: a frank.yaml (the repository's, or the text given) and room for `.frank/`. */
export async function makeLabDir(yaml?: string, options: { insideRepository?: boolean } = {}): Promise<string> {
  // Inside the repository, services/<name> beside the lab's frank.yaml resolve the workspace's packages.
  const parent = options.insideRepository ? path.join(REPOSITORY_ROOT, '.frank', 'test-labs') : os.tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(path.join(parent, 'frank-lab-'));
  // The unprivileged user that runs postgres must be able to enter the lab's folder.
  await chmod(dir, 0o755);
  if (yaml === undefined) await copyFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), path.join(dir, 'frank.yaml'));
  else await writeFile(path.join(dir, 'frank.yaml'), yaml);
  return dir;
}

export async function runFrank(dir: string, args: string[], env: Record<string, string> = {}): Promise<FrankRun> {
  const result = await execa(process.execPath, [FRANK, ...args], { cwd: dir, env: { NO_COLOR: '1', ...env }, reject: false, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * A port offset at which every port of the lab is free and outside the kernel's ephemeral range
 * (where any client socket may take a port from under the lab), chosen at random so runs do not collide.
 */
export async function freeOffset(dir: string): Promise<number> {
  return randomLabOffset(path.join(dir, 'frank.yaml'));
}

/** Processes still carrying the lab's label: after `down` or a failed `up` there must be none. */
export async function labProcesses(dir: string): Promise<string[]> {
  const state = await readLabState(path.join(dir, '.frank', 'lab.json'));
  if (!state) return [];
  return (await findLabelledProcesses(state.id)).map((p) => `${p.pid} ${p.command}`);
}

export async function removeLabDir(dir: string): Promise<void> {
  await runFrank(dir, ['down', '--purge']);
  await rm(dir, { recursive: true, force: true });
}
