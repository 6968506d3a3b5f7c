import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { FrankError } from '../errors.js';

/**
 * A Lambda function's code run as AWS runs it, in a process of its own (one warm container): the
 * packaged index.mjs imported once, its handler called once per event, one event at a time, with
 * the function's environment. What it logs goes to `logFile`.
 */
export interface LocalLambda {
  name: string;
  invoke<T = unknown>(event: unknown): Promise<T>;
  stop(): Promise<void>;
}

export interface LocalLambdaOptions {
  name: string;
  /** The folder holding index.mjs (and what the package put beside it). */
  dir: string;
  /** `index.handler`, as the function's configuration says. */
  handler: string;
  env: Record<string, string>;
  logFile: string;
  /** Carried in the environment, so `frank down` finds the process after a crash. */
  labId?: string;
}

// The container: reads one JSON invocation a line on stdin, answers on fd 3 (stdout is the function's log).
const RUNTIME = `
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
const answers = createWriteStream(null, { fd: 3 });
const [file, name] = process.env.FRANK_LAMBDA_HANDLER.split('#');
const handler = (await import(file))[name];
if (typeof handler !== 'function') throw new Error('the package exports no function ' + name);
answers.write(JSON.stringify({ ready: true }) + '\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { id, event } = JSON.parse(line);
  try {
    const result = await handler(event, { awsRequestId: 'local-' + id, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME });
    answers.write(JSON.stringify({ id, result: result === undefined ? null : result }) + '\\n');
  } catch (error) {
    answers.write(JSON.stringify({ id, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error) } }) + '\\n');
  }
}
`;

export async function startLocalLambda(options: LocalLambdaOptions): Promise<LocalLambda> {
  const [module, exported] = options.handler.split('.');
  if (!module || !exported) throw new FrankError(`${options.name}: handler "${options.handler}" is not <file>.<export>.`);
  const file = pathToFileURL(path.join(options.dir, `${module}.mjs`)).href;
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const log = await open(options.logFile, 'a', 0o600);
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', RUNTIME], {
    cwd: options.dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...options.env,
      AWS_LAMBDA_FUNCTION_NAME: options.name,
      FRANK_LAMBDA_HANDLER: `${file}#${exported}`,
      ...(options.labId ? { FRANK_LAB_ID: options.labId } : {}),
    },
    stdio: ['pipe', log.fd, log.fd, 'pipe'],
  });
  await log.close();
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let exited: Error | undefined;
  let ready!: () => void;
  let failedToStart!: (error: Error) => void;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failedToStart = reject;
  });
  const answers = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream });
  answers.on('line', (line) => {
    const answer = JSON.parse(line) as { ready?: true; id?: number; result?: unknown; error?: { name: string; message: string } };
    if (answer.ready) return ready();
    const pending = waiting.get(answer.id!);
    if (!pending) return;
    waiting.delete(answer.id!);
    if (answer.error) pending.reject(Object.assign(new Error(`${options.name}: ${answer.error.message}`), { name: answer.error.name }));
    else pending.resolve(answer.result);
  });
  child.once('exit', (code, signal) => {
    exited = new FrankError(`The ${options.name} Lambda's process ended (${signal ?? `exit code ${code}`}).`, { hint: `Its log: ${options.logFile}` });
    failedToStart(exited);
    for (const pending of waiting.values()) pending.reject(exited);
    waiting.clear();
  });
  await started;

  let next = 0;
  let queue = Promise.resolve();
  return {
    name: options.name,
    invoke<T>(event: unknown): Promise<T> {
      // One event at a time, as one container takes them.
      const answer = queue.then(
        () =>
          new Promise<T>((resolve, reject) => {
            if (exited) return reject(exited);
            const id = ++next;
            waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
            child.stdin!.write(`${JSON.stringify({ id, event })}\n`);
          }),
      );
      queue = answer.then(
        () => undefined,
        () => undefined,
      );
      return answer;
    },
    async stop() {
      if (exited) return;
      child.stdin!.end();
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}
