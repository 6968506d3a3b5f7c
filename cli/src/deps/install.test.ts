import { describe, expect, it } from 'vitest';
import { runInstallSteps, type InstallStep } from './install.js';

const step = (what: string, work: () => Promise<void>): InstallStep => ({ what, command: what, run: work });

describe('runInstallSteps', () => {
  it('runs the steps side by side and reports each as it finishes', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const finished: string[] = [];
    const run = runInstallSteps(
      [
        step('slow', async () => {
          started.push('slow');
          await gate;
        }),
        step('fast', async () => {
          started.push('fast');
          release();
        }),
      ],
      (s) => finished.push(s.what),
    );
    await run;
    expect(started).toEqual(['slow', 'fast']);
    expect(finished).toEqual(['fast', 'slow']);
  });

  it('lets the other steps end, then throws the first failure', async () => {
    const finished: string[] = [];
    const broken = new Error('pip could not reach the index');
    const run = runInstallSteps(
      [step('checkov', () => Promise.reject(broken)), step('toxiproxy', () => new Promise((resolve) => setTimeout(resolve, 20)))],
      (s) => finished.push(s.what),
    );
    await expect(run).rejects.toBe(broken);
    expect(finished).toEqual(['toxiproxy']);
  });
});
