import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USER } from '../src/runtimes/native/unprivileged-user.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';

/**
 * What a lab keeps to itself: the Redis password is in a config file only its owner reads, never
 * on a command line; the lab's data, logs, pid files and state are not readable by other users of
 * the machine (PostgreSQL, which runs as another user, still reaches its own data).
 */
const LAB = `version: 1
resources:
  app-db:
    kind: postgres
    port: 5432
    databases:
      app: [app_domain]
  cache:
    kind: redis
    port: 6379
`;

const run = promisify(execFile);
const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe('secrets and the lab state stay with their owner', () => {
  let dir: string;
  let state: string;

  beforeAll(async () => {
    dir = await makeLabDir(LAB);
    state = path.join(dir, '.frank');
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    if (dir) await removeLabDir(dir);
  });

  it("keeps the Redis password off redis-server's command line, in a config file of mode 0600", async () => {
    const credentials = JSON.parse(await readFile(path.join(state, 'credentials.json'), 'utf8')) as { redis: { password: string } };
    const { pid } = JSON.parse(await readFile(path.join(state, 'run', 'cache.pid'), 'utf8')) as { pid: number };
    const commandLine = (await readFile(`/proc/${pid}/cmdline`, 'latin1')).split('\0').join(' ');
    expect(commandLine).toMatch(/redis-server/);
    expect(commandLine).not.toContain(credentials.redis.password);
    const config = path.join(state, 'data', 'cache', 'redis.conf');
    expect(await mode(config)).toBe(0o600);
    expect(await readFile(config, 'utf8')).toContain(`requirepass "${credentials.redis.password}"`);
    // And Redis does ask for it.
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    const { createClient } = await import('redis');
    const anonymous = createClient({ url: env.CACHE_URL!.replace(/\/\/:[^@]+@/, '//'), socket: { reconnectStrategy: false } });
    anonymous.on('error', () => undefined);
    try {
      await expect(anonymous.connect().then(() => anonymous.ping())).rejects.toThrow(/NOAUTH/);
    } finally {
      anonymous.destroy();
    }
  });

  it('gives other users no way into the data, the logs, the pid files or the state files', async () => {
    expect(await mode(state)).toBe(0o711);
    expect(await mode(path.join(state, 'data'))).toBe(0o711);
    expect(await mode(path.join(state, 'data', 'cache'))).toBe(0o700);
    expect(await mode(path.join(state, 'data', 'app-db'))).toBe(0o700);
    expect(await mode(path.join(state, 'logs'))).toBe(0o700);
    expect(await mode(path.join(state, 'run'))).toBe(0o700);
    for (const log of await readdir(path.join(state, 'logs'))) expect(await mode(path.join(state, 'logs', log)), log).toBe(0o600);
    for (const file of ['lab.json', 'credentials.json']) expect(await mode(path.join(state, file)), file).toBe(0o600);
  });

  it.runIf(process.getuid?.() === 0)(`as another user (${LAB_USER}), reads none of it`, async () => {
    for (const target of [
      path.join(state, 'logs', 'cache.log'),
      path.join(state, 'data', 'cache', 'redis.conf'),
      path.join(state, 'lab.json'),
      path.join(state, 'credentials.json'),
    ]) {
      await expect(run('runuser', ['-u', LAB_USER, '--', 'cat', target]), target).rejects.toThrow(/Permission denied/);
    }
    await expect(run('runuser', ['-u', LAB_USER, '--', 'ls', state])).rejects.toThrow(/Permission denied/);
  });
});
