import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/lab/paths.js';
import { loadTopology } from '../src/lab/topology.js';
import { makeLabDir, runFrank } from './lab-fixture.js';

const bin = (name: string) => path.join(REPOSITORY_ROOT, 'node_modules', '.bin', name);

/**
 * `frank new service` in a copy of the repository's frank.yaml, never the real one. The copy sits
 * inside the checkout (.frank/test-labs) so the generated code resolves the workspace's packages;
 * tsconfig.base.json and cli/ beside it are what the generated tsconfig and test reach for.
 */
describe('frank new service: a working service from the template', () => {
  let dir: string;
  let original: string;

  beforeAll(async () => {
    dir = await makeLabDir(undefined, { insideRepository: true });
    await copyFile(path.join(REPOSITORY_ROOT, 'tsconfig.base.json'), path.join(dir, 'tsconfig.base.json'));
    await symlink(path.join(REPOSITORY_ROOT, 'cli'), path.join(dir, 'cli'));
    original = await readFile(path.join(dir, 'frank.yaml'), 'utf8');
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes services/shipping and adds shipping-db and the service to frank.yaml, every other line kept', async () => {
    const run = await runFrank(dir, ['new', 'service', 'shipping', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('npm install');
    const result = JSON.parse(run.stdout) as { service: string; port: number; resource: { name: string; port: number } };
    expect(result).toMatchObject({
      service: 'shipping',
      port: 3013,
      resource: { name: 'shipping-db', port: 5440, database: 'shipping_service', schema: 'shipping_domain' },
    });

    const topology = await loadTopology(path.join(dir, 'frank.yaml'));
    expect(topology.resources.find((r) => r.name === 'shipping-db')).toMatchObject({
      kind: 'postgres',
      port: 5440,
      databases: { shipping_service: ['shipping_domain', 'saga_coord', 'event_store'] },
    });
    expect(topology.services.find((s) => s.name === 'shipping')).toMatchObject({ port: 3013, uses: ['shipping-db', 'rabbitmq'] });

    // Comments, alignment and flow lists untouched: the old file's lines are all there, in order.
    const lines = (await readFile(path.join(dir, 'frank.yaml'), 'utf8')).split('\n');
    let at = 0;
    for (const line of original.split('\n')) {
      at = lines.indexOf(line, at);
      expect(at, `line kept: ${line}`).toBeGreaterThanOrEqual(0);
      at++;
    }
    expect(lines.length - original.split('\n').length).toBe(6);
    expect((await readdir(path.join(dir, 'services', 'shipping'), { recursive: true })).sort()).toEqual(
      expect.arrayContaining([
        'SERVICE.md',
        'package.json',
        'tsconfig.json',
        'migrations/0001_items.sql',
        'src/main.ts',
        'src/service.ts',
        'test/shipping.int.test.ts',
      ]),
    );
    expect(existsSync(path.join(REPOSITORY_ROOT, 'services', 'shipping'))).toBe(false);
  });

  it('generates code that typechecks with the project settings', async () => {
    const tsc = await execa(bin('tsc'), ['-p', path.join(dir, 'services', 'shipping')], { reject: false });
    expect(tsc.exitCode, tsc.stdout + tsc.stderr).toBe(0);
  });

  it('generates a migration that applies to a real PostgreSQL and a test that passes against it and RabbitMQ', async () => {
    // The generated test starts its own lab through the native runtime and migrates it.
    const vitest = await execa(
      process.execPath,
      [
        path.join(REPOSITORY_ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--root',
        dir,
        '--testTimeout',
        '120000',
        '--hookTimeout',
        '180000',
        'services/shipping',
      ],
      {
        cwd: dir,
        env: { NO_COLOR: '1' },
        reject: false,
      },
    );
    expect(vitest.exitCode, vitest.stdout + vitest.stderr).toBe(0);
    expect(vitest.stdout).toMatch(/Tests\s+3 passed/);
  }, 300_000);

  it('refuses a bad name with a usage error and writes nothing', async () => {
    const before = await readFile(path.join(dir, 'frank.yaml'), 'utf8');
    for (const name of ['Shipping', '1st', 'gift_cards', 'gift--cards', 'trailing-', 'x'.repeat(41)]) {
      const run = await runFrank(dir, ['new', 'service', name]);
      expect(run.exitCode, name).toBe(2);
      expect(run.stderr).toContain(`"${name}" is not a service name`);
    }
    expect(await readFile(path.join(dir, 'frank.yaml'), 'utf8')).toBe(before);
    expect(await readdir(path.join(dir, 'services'))).toEqual(['shipping']);
  });

  it('refuses a name already taken by a service, a resource, its database or a folder', async () => {
    await mkdir(path.join(dir, 'services', 'leftover'));
    const before = await readFile(path.join(dir, 'frank.yaml'), 'utf8');
    const cases: [string, string][] = [
      ['user', 'already a service "user"'],
      ['shipping', 'already a service "shipping"'],
      ['rabbitmq', '"rabbitmq" is already a resource'],
      ['infrastructure', '"infrastructure-db" is already a resource'],
      ['leftover', 'already exists; frank new does not overwrite it'],
    ];
    for (const [name, message] of cases) {
      const run = await runFrank(dir, ['new', 'service', name]);
      expect(run.exitCode, name).toBe(2);
      expect(run.stderr).toContain(message);
    }
    expect(await readFile(path.join(dir, 'frank.yaml'), 'utf8')).toBe(before);
    expect(await readdir(path.join(dir, 'services', 'leftover'))).toEqual([]);
  });
});
