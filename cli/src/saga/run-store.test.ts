import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { listRuns, loadRun, recordRun, runIdFor } from './run-store.js';
import { sampleRunResult } from './test-fixtures.js';

describe('recorded runs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'frank-runs-')), 'runs');
  });
  afterEach(async () => {
    await rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('are named by UTC time and scenario, so they sort by time', () => {
    expect(runIdFor('happy-path', new Date('2026-11-30T05:34:12.999Z'))).toBe('20261130-053412-happy-path');
    expect(runIdFor('mixed', new Date('2027-01-02T23:04:05Z'))).toBe('20270102-230405-mixed');
  });

  it('keep result.json with the run id and orders.json, and a second run in the same second gets -2', async () => {
    const result = sampleRunResult({ runId: undefined, startedAt: '2026-11-30T05:34:12.345Z' });
    const orders = [
      { orderId: 'o-1', sagaId: 's-1', startedAt: 1, latencyMs: 123.456, terminal: 'order.confirmed' as const },
      { orderId: 'o-2', sagaId: 's-2', startedAt: 2 },
    ];
    const first = await recordRun(dir, result, orders);
    const second = await recordRun(dir, result, []);
    expect([first.id, second.id]).toEqual(['20261130-053412-happy-path', '20261130-053412-happy-path-2']);
    expect(JSON.parse(await readFile(path.join(first.dir, 'result.json'), 'utf8'))).toEqual({ ...result, runId: first.id });
    expect(JSON.parse(await readFile(path.join(first.dir, 'orders.json'), 'utf8'))).toEqual([
      { orderId: 'o-1', sagaId: 's-1', terminal: 'order.confirmed', latencyMs: 123.5 },
      { orderId: 'o-2', sagaId: 's-2', terminal: null, latencyMs: null },
    ]);
    expect((await loadRun(dir, second.id)).result.runId).toBe(second.id);
  });

  it('list oldest first, skipping folders that are not runs and reporting unreadable ones', async () => {
    await recordRun(dir, sampleRunResult({ scenario: 'mixed', startedAt: '2026-12-01T00:00:00Z' }), []);
    await recordRun(dir, sampleRunResult({ scenario: 'happy-path', startedAt: '2026-11-30T00:00:00Z' }), []);
    await mkdir(path.join(dir, 'notes'));
    await mkdir(path.join(dir, '20261130-100000-broken'));
    await writeFile(path.join(dir, '20261130-100000-broken', 'result.json'), '{ half');
    const { runs, unreadable } = await listRuns(dir);
    expect(runs.map((r) => r.id)).toEqual(['20261130-000000-happy-path', '20261201-000000-mixed']);
    expect(unreadable).toEqual(['20261130-100000-broken']);
  });

  it('are empty before the first run', async () => {
    expect(await listRuns(dir)).toEqual({ runs: [], unreadable: [] });
  });

  it('refuse an unknown id with how to see the ids', async () => {
    const none = await loadRun(dir, '20261130-000000-nope').catch((e: unknown) => e);
    expect(none).toBeInstanceOf(UsageError);
    expect((none as UsageError).message).toBe(`Run "20261130-000000-nope" is not recorded in ${dir}.`);
    expect((none as UsageError).hint).toMatch(/No run is recorded yet: `npx frank saga run <scenario>` records one; `npx frank saga runs` lists them/);
    await recordRun(dir, sampleRunResult({ startedAt: '2026-11-30T05:34:12Z' }), []);
    const bad = (await loadRun(dir, 'latest').catch((e: unknown) => e)) as UsageError;
    expect(bad.message).toBe('Run "latest" is not a run id (they look like 20261130-053412-happy-path).');
    expect(bad.hint).toBe('`npx frank saga runs` lists the 1 recorded; the latest: 20261130-053412-happy-path.');
    // Not a way out of the runs folder either.
    expect(await loadRun(dir, '../../etc').catch((e: unknown) => e)).toBeInstanceOf(UsageError);
  });
});
