import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { startLocalLambda } from './local-lambda.js';
import { packageLambdas } from './package-lambdas.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'frank-local-lambda-'));
  // A handler with state across invocations (a warm container), its environment, and a failure on demand.
  await writeFile(
    path.join(dir, 'counter.ts'),
    "let calls = 0;\nexport async function handler(event: { fail?: boolean }) {\n  calls++;\n  console.log('invoked', calls);\n  if (event.fail) throw new Error('asked to fail');\n  return { calls, greeting: process.env.GREETING, event };\n}\n",
  );
  await packageLambdas({
    root: dir,
    outDir: path.join(dir, 'zips'),
    entries: { counter: 'counter.ts', echo: path.join(REPOSITORY_ROOT, 'cli/src/cloud/fixtures/echo-handler.ts') },
    unpackTo: path.join(dir, 'unpacked'),
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a Lambda run locally from its package', () => {
  it('imports the package once and calls its handler per event with the function’s environment; what it logs goes to its log', async () => {
    const lambda = await startLocalLambda({
      name: 'counter',
      dir: path.join(dir, 'unpacked', 'counter'),
      handler: 'index.handler',
      env: { GREETING: 'hello' },
      logFile: path.join(dir, 'counter.log'),
    });
    try {
      expect(await lambda.invoke({ n: 1 })).toEqual({ calls: 1, greeting: 'hello', event: { n: 1 } });
      expect(await lambda.invoke({ n: 2 })).toMatchObject({ calls: 2 });
      await expect(lambda.invoke({ fail: true })).rejects.toThrow('counter: asked to fail');
      // A failed invocation does not end the container.
      expect(await lambda.invoke({})).toMatchObject({ calls: 4 });
    } finally {
      await lambda.stop();
    }
    expect(await readFile(path.join(dir, 'counter.log'), 'utf8')).toContain('invoked 4');
  });

  it('runs the packaged bundle with its dependencies (the bridges’ shape)', async () => {
    const lambda = await startLocalLambda({
      name: 'echo',
      dir: path.join(dir, 'unpacked', 'echo'),
      handler: 'index.handler',
      env: {},
      logFile: path.join(dir, 'echo.log'),
    });
    try {
      expect(await lambda.invoke({ Records: [{ body: 'a' }] })).toEqual({ batchItemFailures: [], echoed: ['0:A'], amqpConnect: 'function' });
    } finally {
      await lambda.stop();
    }
  });

  it('says so when the package has no such handler, and after the process ended', async () => {
    await expect(
      startLocalLambda({ name: 'counter', dir: path.join(dir, 'unpacked', 'counter'), handler: 'index.nothing', env: {}, logFile: path.join(dir, 'bad.log') }),
    ).rejects.toThrow(/The counter Lambda's process ended/);
    await expect(
      startLocalLambda({ name: 'counter', dir: path.join(dir, 'unpacked', 'counter'), handler: 'handler', env: {}, logFile: path.join(dir, 'bad.log') }),
    ).rejects.toThrow('counter: handler "handler" is not <file>.<export>.');
    expect(await readFile(path.join(dir, 'bad.log'), 'utf8')).toContain('the package exports no function nothing');
    const lambda = await startLocalLambda({
      name: 'counter',
      dir: path.join(dir, 'unpacked', 'counter'),
      handler: 'index.handler',
      env: {},
      logFile: path.join(dir, 'counter.log'),
    });
    await lambda.stop();
    await expect(lambda.invoke({})).rejects.toThrow(/process ended/);
  });
});
