import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, labProcesses, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';

const LAB = `version: 1
resources:
  echo-db:
    kind: postgres
    port: 5432
    databases:
      echo_service: [echo_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  toxiproxy:
    kind: toxiproxy
    port: 8474
    proxyPorts: 8480
services:
  echo:
    port: 3000
    uses: [echo-db, rabbitmq]
    env: { ECHO_GREETING: hello }
`;

// A service as small as the kit allows: a table of its own, a seed, and an endpoint that reads it.
const MAIN = `import { existsSync, rmSync } from 'node:fs';
import { main } from '@frank/kit';
import { settings } from './settings.js';
// A marker file makes the next start die at once, as a server recovering from a crash sometimes does.
const crashOnce = new URL('../crash-once', import.meta.url);
if (existsSync(crashOnce)) {
  rmSync(crashOnce);
  process.exit(1);
}
await main({
  name: 'echo',
  settings,
  async setup({ app, pool, settings: values }) {
    app.get('/greeting', async (_req, res) => {
      const { rows } = await pool!.query('SELECT text FROM echo_domain.greetings ORDER BY id');
      res.json({ env: values.ECHO_GREETING, rows: rows.map((r) => r.text), secret: Boolean(values.JWT_SECRET) });
    });
  },
});
`;
// Everything it reads: what it uses, a lab secret and a tunable of frank.yaml's env.
const SETTINGS = `import { defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';
export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  JWT_SECRET: setting.secret('jwt', z.string().min(1), 'proves a lab secret arrives'),
  ECHO_GREETING: setting.tunable(z.string().default('hi'), 'what it says'),
});
`;
const MIGRATION = 'CREATE TABLE echo_domain.greetings (id integer PRIMARY KEY, text text NOT NULL);\n';
const SEED = `export async function seed(client, options) {
  await client.query('INSERT INTO echo_domain.greetings VALUES (1, $1) ON CONFLICT (id) DO NOTHING', ['seed ' + options.seed]);
}
`;

describe('frank up launches services: migrations and seeds as phases, links through Toxiproxy', () => {
  let dir: string;
  let status: { resources: { name: string; kind: string; phase: string; health: string; url: string; port: number }[] };

  beforeAll(async () => {
    dir = await makeLabDir(LAB, { insideRepository: true });
    const service = path.join(dir, 'services', 'echo');
    await mkdir(path.join(service, 'src'), { recursive: true });
    await mkdir(path.join(service, 'migrations'));
    await writeFile(path.join(service, 'src', 'main.ts'), MAIN);
    await writeFile(path.join(service, 'src', 'settings.ts'), SETTINGS);
    await writeFile(path.join(service, 'src', 'seed.ts'), SEED);
    await writeFile(path.join(service, 'migrations', '0001_greetings.sql'), MIGRATION);
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    status = JSON.parse((await runFrank(dir, ['status', '--json'])).stdout);
  });

  afterAll(async () => {
    if (dir) await removeLabDir(dir);
  });

  const echo = () => status.resources.find((r) => r.name === 'echo')!;

  it('runs the service after its database is migrated and seeded, and reports it healthy', async () => {
    expect(echo()).toMatchObject({ kind: 'service', phase: 'healthy', health: 'healthy' });
    const answer = await (await fetch(`${echo().url}/greeting`)).json();
    expect(answer).toEqual({ env: 'hello', rows: ['seed 1'], secret: true });
  });

  it('records migrations, and `frank migrate` and `frank seed` are idempotent', async () => {
    const env = JSON.parse((await runFrank(dir, ['env', '--json'])).stdout) as Record<string, string>;
    const client = new pg.Client(env.ECHO_SERVICE_DATABASE_URL);
    await client.connect();
    try {
      const applied = (await client.query('SELECT id FROM public.frank_migrations ORDER BY id')).rows.map((r) => r.id);
      expect(applied).toEqual(['echo/0001_greetings.sql', 'kit/0001_saga_coord_and_event_store.sql', 'kit/0002_inbox_per_handler.sql']);
      const migrate = await runFrank(dir, ['migrate', '--json']);
      expect(migrate.exitCode, migrate.stderr).toBe(0);
      expect(JSON.parse(migrate.stdout)).toEqual([{ service: 'echo', applied: [] }]);
      const seed = await runFrank(dir, ['seed', '--seed', '1']);
      expect(seed.exitCode, seed.stderr).toBe(0);
      expect((await client.query('SELECT count(*)::int AS n FROM echo_domain.greetings')).rows[0].n).toBe(1);
      const unknown = await runFrank(dir, ['migrate', '--service', 'nope']);
      expect(unknown.exitCode).toBe(2);
      expect(unknown.stderr).toMatch(/No service "nope".*\n.*Use one of: echo/);
    } finally {
      await client.end();
    }
  });

  it('reaches its database through its own Toxiproxy link: cut the link and it is not ready', async () => {
    const toxiproxy = status.resources.find((r) => r.name === 'toxiproxy')!.url;
    await fetch(`${toxiproxy}/proxies/echo.echo-db`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    try {
      const ready = await fetch(`${echo().url}/health/ready`);
      expect(ready.status).toBe(503);
    } finally {
      await fetch(`${toxiproxy}/proxies/echo.echo-db`, { method: 'POST', body: JSON.stringify({ enabled: true }) });
    }
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${echo().url}/health/ready`)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${echo().url}/health/ready`)).status).toBe(200);
  });

  it('`frank logs` shows the last lines with their unit, follows new ones, and names an unknown unit', async () => {
    const recent = await runFrank(dir, ['logs', '-n', '50', 'echo', 'echo-db']);
    expect(recent.exitCode, recent.stderr).toBe(0);
    expect(recent.stdout).toMatch(/^echo +\| .*"msg":"listening"/m);
    expect(recent.stdout).toMatch(/^echo-db \| .*database system is ready to accept connections/m);
    const unknown = await runFrank(dir, ['logs', 'nope']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/No resource or service "nope"/);

    const { execa } = await import('execa');
    const { REPOSITORY_ROOT } = await import('../src/lab/paths.js');
    const follow = execa(process.execPath, [path.join(REPOSITORY_ROOT, 'cli/bin/frank.js'), 'logs', '-f', '-n', '0', 'echo'], {
      cwd: dir,
      env: { NO_COLOR: '1' },
      reject: false,
    });
    let printed = '';
    follow.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    // The follower may take a while to start on a busy machine: a line written before it watches is not shown (-n 0), so write until one is.
    const deadline = Date.now() + 15_000;
    const followed = /^\d\d:\d\d:\d\d echo \| a line written later$/m;
    while (!followed.test(printed) && Date.now() < deadline) {
      await appendFile(path.join(dir, '.frank', 'logs', 'echo.log'), 'a line written later\n');
      await new Promise((r) => setTimeout(r, 500));
    }
    follow.kill('SIGINT');
    await follow;
    expect(printed).toMatch(followed);
    expect(printed, '-n 0 prints no earlier line').not.toMatch(/"msg":"listening"/);
  });

  it('a unit that dies again while it restarts after a kill gets another start: the heal still brings it back', async () => {
    const kill = await runFrank(dir, ['chaos', 'kill-service', 'echo']);
    expect(kill.exitCode, kill.stderr).toBe(0);
    await writeFile(path.join(dir, 'services', 'echo', 'crash-once'), '');
    const heal = await runFrank(dir, ['chaos', 'heal']);
    expect(heal.exitCode, heal.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'services', 'echo', 'crash-once'))).toBe(false);
    expect((await fetch(`${echo().url}/greeting`)).status).toBe(200);
  });

  it('`frank down` stops the service with the rest', async () => {
    const down = await runFrank(dir, ['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/echo/);
    expect(await labProcesses(dir)).toEqual([]);
  });
});
