import { describe, expect, it } from 'vitest';
import { Coalesced } from './coalesced.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Coalesced', () => {
  it('runs once for the asks of one moment, never twice at once for a key, and again for an ask during a run', async () => {
    const runs: string[] = [];
    let active = 0;
    let most = 0;
    const work = new Coalesced(20, async (key) => {
      active++;
      most = Math.max(most, active);
      runs.push(key);
      await tick(40);
      active--;
    }, () => undefined);
    for (let i = 0; i < 5; i++) work.schedule('a');
    work.schedule('b');
    await tick(30);
    expect(runs.sort()).toEqual(['a', 'b']);
    work.schedule('a');
    await tick(100);
    expect(runs.filter((k) => k === 'a')).toHaveLength(2);
    expect(most).toBe(2);
  });

  it('reports a failed run and runs the next ask', async () => {
    const failures: string[] = [];
    let calls = 0;
    const work = new Coalesced(5, async () => {
      calls++;
      if (calls === 1) throw new Error('mongo away');
    }, (key, error) => failures.push(`${key}: ${(error as Error).message}`));
    work.schedule('figures');
    await tick(20);
    work.schedule('figures');
    await tick(20);
    expect(failures).toEqual(['figures: mongo away']);
    expect(calls).toBe(2);
  });
});
