import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError, UsageError } from '../errors.js';
import type { PlacedOrder } from './load-driver.js';
import type { RunResult } from './run.js';

/**
 * Every `frank saga run` is recorded under `.frank/runs/<id>/`: result.json (what --json prints)
 * and orders.json (each order's ids, outcome and latency, for `frank saga show`). Ids sort by
 * time: `20261130-053412-happy-path` (UTC), with `-2`, `-3`… when two runs share a second.
 */
export interface RecordedRun {
  id: string;
  dir: string;
  result: RunResult;
}

export interface RecordedOrder {
  orderId: string;
  sagaId: string;
  terminal: PlacedOrder['terminal'] | null;
  latencyMs: number | null;
}

const ID_PATTERN = /^\d{8}-\d{6}-[a-z0-9-]+$/;

export function runIdFor(scenario: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${scenario}`;
}

export async function recordRun(runsDir: string, result: RunResult, orders: PlacedOrder[]): Promise<RecordedRun> {
  await mkdir(runsDir, { recursive: true, mode: 0o700 });
  const base = runIdFor(result.scenario, new Date(result.startedAt));
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = path.join(runsDir, id);
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && n < 100) continue;
      throw error;
    }
    const recorded = { ...result, runId: id };
    const round = (x: number | undefined) => (x === undefined ? null : Math.round(x * 10) / 10);
    await writeFile(path.join(dir, 'result.json'), JSON.stringify(recorded, null, 2) + '\n');
    await writeFile(
      path.join(dir, 'orders.json'),
      JSON.stringify(
        orders.map((o): RecordedOrder => ({ orderId: o.orderId, sagaId: o.sagaId, terminal: o.terminal ?? null, latencyMs: round(o.latencyMs) })),
        null,
        1,
      ) + '\n',
    );
    return { id, dir, result: recorded };
  }
}

/** Every recorded run, oldest first; a folder without a readable result.json is reported, not fatal. */
export async function listRuns(runsDir: string): Promise<{ runs: RecordedRun[]; unreadable: string[] }> {
  let names: string[];
  try {
    names = (await readdir(runsDir)).filter((name) => ID_PATTERN.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], unreadable: [] };
    throw error;
  }
  const runs: RecordedRun[] = [];
  const unreadable: string[] = [];
  for (const id of names) {
    try {
      runs.push(await readRun(runsDir, id));
    } catch {
      unreadable.push(id);
    }
  }
  return { runs, unreadable };
}

export async function loadRun(runsDir: string, id: string): Promise<RecordedRun> {
  if (!ID_PATTERN.test(id)) throw await unknownRun(runsDir, id, 'is not a run id (they look like 20261130-053412-happy-path)');
  try {
    return await readRun(runsDir, id);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw await unknownRun(runsDir, id, `is not recorded in ${runsDir}`);
    throw new FrankError(`Run ${id}: ${path.join(runsDir, id, 'result.json')} cannot be read: ${(error as Error).message}`, {
      hint: 'Delete that folder, or run the scenario again.',
      cause: error,
    });
  }
}

async function readRun(runsDir: string, id: string): Promise<RecordedRun> {
  const dir = path.join(runsDir, id);
  const result = JSON.parse(await readFile(path.join(dir, 'result.json'), 'utf8')) as RunResult;
  if (typeof result.scenario !== 'string' || typeof result.verdict !== 'string' || typeof result.orders !== 'object') throw new Error('not a run result');
  return { id, dir, result };
}

async function unknownRun(runsDir: string, id: string, why: string): Promise<UsageError> {
  const { runs } = await listRuns(runsDir).catch(() => ({ runs: [] as RecordedRun[] }));
  const latest = runs.slice(-3).map((r) => r.id);
  return new UsageError(`Run "${id}" ${why}.`, {
    hint:
      runs.length === 0
        ? 'No run is recorded yet: `npx frank saga run <scenario>` records one; `npx frank saga runs` lists them.'
        : `\`npx frank saga runs\` lists the ${runs.length} recorded; the latest: ${latest.join(', ')}.`,
  });
}
