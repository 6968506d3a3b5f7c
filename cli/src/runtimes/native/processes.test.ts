import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { stopProcessGroup } from './processes.js';

const stateOf = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] : 'gone';
};

describe('stopProcessGroup', () => {
  it('returns once the group has exited, while its processes are zombies nobody reaped yet', { timeout: 20_000 }, async () => {
    // A parent that never reaps: its child, in a group of its own, stays a zombie after it exits,
    // as a lab's daemons do until an init that reaps only now and then gets to them.
    const parent = execa('python3', [
      '-c',
      'import os, sys, time\npid = os.fork()\nif pid == 0:\n    os.setpgid(0, 0)\n    time.sleep(600)\nelse:\n    print(pid, flush=True)\n    time.sleep(600)\n',
    ]);
    try {
      const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
      // A grace period longer than the test's timeout: waiting for the reap would fail the test.
      await stopProcessGroup(pid, 'SIGTERM', 60_000);
      expect(await stateOf(pid)).toBe('Z');
    } finally {
      parent.kill('SIGKILL');
      await parent.catch(() => undefined);
    }
  });
});
