import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { NativeRuntime } from '../runtimes/native/native-runtime.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { Lab } from './lab.js';
import { startLabTools } from './tools.js';

describe('startLabTools', () => {
  it('is refused by the native runtime, which does not run SonarQube, saying how to run it', async () => {
    const runtime: Runtime = new NativeRuntime();
    expect(runtime.startTools).toBeUndefined();
    const lab = { runtime, selection: { name: 'native', reason: 'test' }, isUp: true } as unknown as Lab;
    const error = await startLabTools(lab).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/native runtime does not run SonarQube .*2 GB.*vm\.max_map_count/);
    expect((error as UsageError).hint).toMatch(/--runtime docker --tools.*--profile tools up -d/);
  });
});
