import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/lab/paths.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank, type FrankRun } from './lab-fixture.js';

const LAB = `version: 1
resources:
  shop-db:
    kind: postgres
    port: 5432
    databases:
      shop_service: [shop_domain]
  cache:
    kind: redis
    port: 6379
`;
const PHASES = ['starting', 'booted', 'ready', 'migrated', 'seeded', 'healthy'];
const ANSI = /\u001b\[/;

/** frank with pipes for stdout and stderr (no TTY) and without NO_COLOR: colour must go because there is no terminal. */
async function frankWithoutTerminal(dir: string, args: string[]): Promise<FrankRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NO_COLOR' && key !== 'FORCE_COLOR'));
  const result = await execa(process.execPath, [path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js'), ...args], {
    cwd: dir,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('terminal output without a terminal: progress as plain lines on stderr, --json data alone on stdout', () => {
  let dir: string;
  let up: FrankRun;

  beforeAll(async () => {
    dir = await makeLabDir(LAB);
    up = await frankWithoutTerminal(dir, ['up', '--json', '--port-offset', String(await freeOffset(dir))]);
  });

  afterAll(async () => {
    if (dir) await removeLabDir(dir);
  });

  it('`frank up` writes one plain line per resource and phase, in order, and its result as JSON', () => {
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ alreadyUp: false, started: expect.arrayContaining(['shop-db', 'cache']) });
    expect(up.stderr).not.toMatch(ANSI);
    expect(up.stderr).not.toContain('\r');
    const lines = up.stderr.split('\n');
    for (const resource of ['shop-db', 'cache']) {
      const phases = lines.map((line) => new RegExp(`^\\s+${resource}\\s+\\d+\\.\\ds\\s+(\\w+)$`).exec(line)?.[1]).filter(Boolean);
      expect(phases, resource).toEqual(PHASES);
    }
    expect(lines.at(-1)).toMatch(/^The lab is up: 2 started, all healthy in [\d.]+ s\./);
  });

  it('every --json command prints JSON and nothing else on stdout', async () => {
    const commands = [['status'], ['env'], ['migrate'], ['seed'], ['up'], ['down']];
    for (const args of commands) {
      const run = await frankWithoutTerminal(dir, [...args, '--json']);
      expect(run.exitCode, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(() => JSON.parse(run.stdout), `frank ${args.join(' ')} --json printed: ${run.stdout}`).not.toThrow();
      expect(run.stdout).not.toMatch(ANSI);
    }
    // A second up says so on stderr; the data stays JSON.
    expect((await runFrank(dir, ['up', '--json'])).stdout).toMatch(/^\{/);
  });
});
