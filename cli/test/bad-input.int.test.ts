import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralPortRange } from '../src/lab/ephemeral-ports.js';
import { readLabState } from '../src/lab/lab-state.js';
import { REPOSITORY_ROOT } from '../src/lab/paths.js';
import { portIsFree } from '../src/lab/port-is-free.js';
import { labProcesses, makeLabDir, removeLabDir, runFrank, freeOffset } from './lab-fixture.js';

const dirs: string[] = [];
async function labDir(yaml?: string): Promise<string> {
  const dir = await makeLabDir(yaml);
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeLabDir(dir);
});

const noProcessFiles = async (dir: string) => {
  const run = path.join(dir, '.frank', 'run');
  return existsSync(run) ? await readdir(run) : [];
};

describe('bad input gets a clear error, exit code 1 or 2, and leaves nothing running', () => {
  it('a broken frank.yaml names the file, the line and the key (exit 2)', async () => {
    const dir = await labDir('version: 1\nresources:\n  cache:\n    kind: redis\n    port: 6379\n    persistence: yes\n');
    const result = await runFrank(dir, ['up']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, 'frank.yaml')}:6: resources.cache: unknown key "persistence"`);
    expect(result.stderr).toMatch(/try:/);
    expect(result.stdout).toBe('');
    expect(existsSync(path.join(dir, '.frank', 'lab.json'))).toBe(false);
  });

  it("a frank.yaml that disagrees with a service's declared settings names each key and starts nothing (exit 2)", async () => {
    const repository = await readFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), 'utf8');
    const yaml = repository
      .replace('PAYMENT_TIMEOUT_MS: 3000', 'PAYMENT_TIMEOUT: 3000')
      .replace('bff: { port: 3000, uses: [mongo, redis] }', 'bff: { port: 3000, uses: [mongo, redis, order-db] }');
    expect(yaml).not.toBe(repository);
    const dir = await labDir(yaml);
    const result = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('services.payment.env.PAYMENT_TIMEOUT: payment does not read PAYMENT_TIMEOUT (its settings: PAYMENT_TIMEOUT_MS,');
    expect(result.stderr).toContain('services.bff.uses: order-db (postgres): bff reads nothing of it');
    expect(result.stderr).toMatch(/try: Each service's src\/settings\.ts says what it reads/);
    expect(await noProcessFiles(dir)).toEqual([]);
    expect(await labProcesses(dir)).toEqual([]);
  });

  it('a bad flag is a usage error (exit 2)', async () => {
    const dir = await labDir();
    const result = await runFrank(dir, ['up', '--port-offset', 'lots']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--port-offset takes a whole number/);
  });

  it('the read-side commands on a lab that is not up say to start it (exit 1)', async () => {
    const dir = await labDir();
    const rebuild = await runFrank(dir, ['views', 'rebuild']);
    expect(rebuild.exitCode).toBe(1);
    expect(rebuild.stderr).toMatch(/The views service is not running[\s\S]*npx frank up/);
    const verify = await runFrank(dir, ['views', 'verify']);
    expect(verify.exitCode).toBe(1);
    expect(verify.stderr).toMatch(/The lab is not up[\s\S]*npx frank up/);
  });

  it('a port already taken names the resource and suggests an offset (exit 1)', async () => {
    const dir = await labDir('version: 1\nresources:\n  cache:\n    kind: redis\n    port: 6379\n  docs:\n    kind: mongo\n    port: 27017\n');
    const offset = await freeOffset(dir);
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(6379 + offset, '127.0.0.1', resolve));
    try {
      const result = await runFrank(dir, ['up', '--port-offset', String(offset)]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`Port ${6379 + offset} (cache) on 127.0.0.1 is already taken`);
      expect(result.stderr).toMatch(/npx frank up --port-offset \d+/);
      expect(await labProcesses(dir)).toEqual([]);
      expect(await noProcessFiles(dir)).toEqual([]);
    } finally {
      squatter.close();
    }
  });

  it("a port in the kernel's ephemeral range gets a warning naming the range and a safe offset; up goes on", async () => {
    const range = await ephemeralPortRange();
    expect(range, 'this machine names its ephemeral port range').toBeDefined();
    const dir = await labDir('version: 1\nresources:\n  cache:\n    kind: redis\n    port: 6379\n');
    // The first offset (a multiple of 100) that puts the cache in the range, with the port free.
    let offset = Math.ceil((range!.low - 6379) / 100) * 100;
    while (!(await portIsFree('127.0.0.1', 6379 + offset))) offset += 100;
    const result = await runFrank(dir, ['up', '--port-offset', String(offset)]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Port ${6379 + offset} (cache) falls in the kernel's ephemeral port range ${range!.low}–${range!.high}`);
    const safe = Number(/A safe offset: --port-offset (\d+)\./.exec(result.stderr)?.[1]);
    expect(6379 + safe).toBeLessThan(range!.low);
    // Outside the range, no warning.
    const calm = await labDir('version: 1\nresources:\n  cache:\n    kind: redis\n    port: 6379\n');
    const quiet = await runFrank(calm, ['up', '--port-offset', String(await freeOffset(calm))]);
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(/ephemeral/);
  });

  it('a missing program is named with the command that installs it (exit 1)', async () => {
    const dir = await labDir('version: 1\nresources:\n  cache:\n    kind: redis\n    port: 6379\n');
    // A PATH that has node but no redis-server.
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    await symlink(process.execPath, path.join(bin, 'node'));
    const result = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))], { PATH: bin });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Missing program: redis-server \(for cache\)/);
    expect(result.stderr).toMatch(/npx frank deps install/);
    expect(result.stderr).toMatch(/apt-get install -y redis-server/);
    expect(await noProcessFiles(dir)).toEqual([]);
    const doctor = await runFrank(dir, ['doctor'], { PATH: bin });
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/✖ redis-server for cache is missing\n\s+fix: npx frank deps install/);
  });

  it('a resource that crashes while starting is named with its phase and log tail, and the others are stopped', async () => {
    const dir = await labDir(
      'version: 1\nresources:\n  cache:\n    kind: redis\n    port: 6379\n  broken-db:\n    kind: postgres\n    port: 5432\n    databases: { app: [] }\n    settings: { shared_buffers: lots }\n',
    );
    const result = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/broken-db failed while booted: postgres exited \(code 1\)/);
    expect(result.stderr).toMatch(/last lines of broken-db's log[\s\S]*invalid value for parameter "shared_buffers"/);
    expect(await labProcesses(dir)).toEqual([]);
    const state = await readLabState(path.join(dir, '.frank', 'lab.json'));
    expect(state?.resources['broken-db']).toMatchObject({ phase: 'failed' });
    expect(state?.resources.cache?.phase).toBe('stopped');
  });

  it('`frank down` cleans up after a `frank up` that was killed halfway', async () => {
    const dir = await labDir('version: 1\nresources:\n  cache:\n    kind: redis\n    port: 6379\n  queue:\n    kind: rabbitmq\n    port: 5672\n');
    const offset = await freeOffset(dir);
    const { execa } = await import('execa');
    const { REPOSITORY_ROOT } = await import('../src/lab/paths.js');
    const up = execa(process.execPath, [path.join(REPOSITORY_ROOT, 'cli/bin/frank.js'), 'up', '--port-offset', String(offset)], {
      cwd: dir,
      reject: false,
      stdin: 'ignore',
    });
    // Kill frank itself once RabbitMQ has been launched and is still booting.
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(dir, '.frank', 'run', 'queue.pid'))) {
      if (Date.now() > deadline) throw new Error('frank up launched no RabbitMQ within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    up.kill('SIGKILL');
    await up;
    expect((await labProcesses(dir)).length).toBeGreaterThan(0);
    const down = await runFrank(dir, ['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await labProcesses(dir)).toEqual([]);
  });
});
