import { describe, expect, it } from 'vitest';
import { Coalesced } from './coalesced.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Coalesced', () => {
  it('runs once for the asks of one moment, never twice at once for a key, and again for an ask during a run', async () => {
    const runs: string[] = [];
    let active = 0;
    let most = 0;
    const work = new Coalesced(
      20,
      async (key) => {
        active++;
        most = Math.max(most, active);
        runs.push(key);
        await tick(40);
        active--;
      },
      () => undefined,
    );
    for (let i = 0; i < 5; i++) work.schedule('a');
    work.schedule('b');
    await tick(30);
    expect(runs.sort()).toEqual(['a', 'b']);
    work.schedule('a');
    await tick(100);
    expect(runs.filter((k) => k === 'a')).toHaveLength(2);
    expect(most).toBe(2);
  });

  it('reports a failed run and tries it again by itself, later each time, until it succeeds', async () => {
    const failures: string[] = [];
    const at: number[] = [];
    const began = performance.now();
    const work = new Coalesced(
      5,
      async () => {
        at.push(performance.now() - began);
        if (at.length <= 2) throw new Error('mongo away');
      },
      (key, error) => failures.push(`${key}: ${(error as Error).message}`),
    );
    work.schedule('figures');
    await tick(900);
    expect(failures).toEqual(['figures: mongo away', 'figures: mongo away']);
    expect(at).toHaveLength(3);
    // 200 ms after the first failure, 400 ms after the second.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(190);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(390);
    work.stop();
  });
});
