import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';

const SERVICES = path.join(import.meta.dirname, '..', '..');

export interface TestLab {
  dir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A lab of only the given resources on a random offset; `stop` is `down --purge`. */
export async function startLab(yaml: string): Promise<TestLab> {
  const dir = await makeLabDir(yaml);
  try {
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    if (up.exitCode !== 0) throw new Error(`frank up failed: ${up.stderr}`);
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    return { dir, env, stop: () => removeLabDir(dir) };
  } catch (error) {
    await removeLabDir(dir);
    throw error;
  }
}

/** The kit's migrations, then the service's, each file in one transaction, as `frank migrate` does. */
export async function migrate(databaseUrl: string, service: string): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    for (const dir of [path.join(SERVICES, 'kit', 'migrations'), path.join(SERVICES, service, 'migrations')]) {
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
        await client.query('BEGIN');
        await client.query(await readFile(path.join(dir, file), 'utf8'));
        await client.query('COMMIT');
      }
    }
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
