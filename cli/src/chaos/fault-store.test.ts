import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from './fault-spec.js';
import { FaultStore, type FaultRecord } from './fault-store.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'frank-faults-'));
  file = path.join(dir, '.frank', 'faults.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kill: Fault = { kind: 'kill', command: 'kill-db', unit: 'payment-db', label: 'kill-db payment-db' };
const record = (id: string, extra: Partial<FaultRecord> = {}): FaultRecord => ({
  id,
  label: kill.label,
  fault: kill,
  injectedAt: '2026-01-01T00:00:00.000Z',
  pid: 1,
  ...extra,
});

describe('FaultStore', () => {
  it('keeps the faults of its lab in .frank/faults.json', async () => {
    const store = new FaultStore(file, 'lab1');
    expect(await store.list()).toEqual([]);
    await store.add(record('a1'));
    await store.add(record('b2', { healAt: '2026-01-01T00:00:10.000Z' }));
    expect((await store.list()).map((r) => r.id)).toEqual(['a1', 'b2']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ labId: 'lab1', faults: [{ id: 'a1' }, { id: 'b2', healAt: '2026-01-01T00:00:10.000Z' }] });
  });

  it('ignores the faults of another lab (one brought down and up again has a new id)', async () => {
    await new FaultStore(file, 'old-lab').add(record('a1'));
    expect(await new FaultStore(file, 'new-lab').list()).toEqual([]);
  });

  it('gives each fault to one claimer only, however many claim at once', async () => {
    const store = new FaultStore(file, 'lab1');
    for (const id of ['a', 'b', 'c', 'd']) await store.add(record(id));
    const claims = await Promise.all(Array.from({ length: 8 }, () => new FaultStore(file, 'lab1').claim(() => true)));
    expect(
      claims
        .flat()
        .map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(claims.filter((c) => c.length > 0)).toHaveLength(1);
    expect(await store.list()).toEqual([]);
  });

  it('loses no fault when several processes add at once', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => new FaultStore(file, 'lab1').add(record(`f${i}`))));
    expect((await new FaultStore(file, 'lab1').list()).map((r) => r.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}`).sort());
  });

  it('claims only what matches', async () => {
    const store = new FaultStore(file, 'lab1');
    await store.add(record('a'));
    await store.add(record('b'));
    expect((await store.claim((r) => r.id === 'b')).map((r) => r.id)).toEqual(['b']);
    expect((await store.list()).map((r) => r.id)).toEqual(['a']);
  });

  it('takes over a lock a dead process left behind', async () => {
    const store = new FaultStore(file, 'lab1');
    await store.add(record('a'));
    const lock = `${file}.lock`;
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await store.add(record('b'));
    expect((await store.list()).map((r) => r.id)).toEqual(['a', 'b']);
  });
});
