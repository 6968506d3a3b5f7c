import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';

/**
 * Readiness as composable wait strategies with one timeout: a strategy is a check that throws
 * until the thing is ready. Never a bare sleep: every wait polls a real condition.
 */
export type Check = (signal: AbortSignal) => Promise<void>;

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Rejects as soon as the thing being waited on cannot become ready (its process exited). */
  giveUpWhen?: Promise<never>;
  signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {}

export async function waitUntil(check: Check, options: WaitOptions): Promise<void> {
  const { timeoutMs, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  let lastError: unknown;
  const poll = (async () => {
    while (!controller.signal.aborted) {
      try {
        await check(controller.signal);
        return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) {
        throw new WaitTimeoutError(`not ready after ${(timeoutMs / 1000).toFixed(0)} s (last attempt: ${errorMessage(lastError)})`);
      }
      await sleep(intervalMs);
    }
    throw new Error('cancelled');
  })();
  try {
    await (options.giveUpWhen ? Promise.race([poll, options.giveUpWhen]) : poll);
  } finally {
    controller.abort();
    options.signal?.removeEventListener('abort', stop);
    poll.catch(() => undefined);
  }
}

/** All checks must pass. */
export function allOf(...checks: Check[]): Check {
  return async (signal) => {
    for (const check of checks) await check(signal);
  };
}

/** A TCP port accepts connections. */
export function portOpen(host: string, port: number): Check {
  return async () => {
    const { createConnection } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const socket = createConnection({ host, port });
      socket.setTimeout(1000);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`${host}:${port} timed out`));
      });
      socket.once('error', reject);
    });
  };
}

/** Nothing accepts connections on the port any more: a killed server is really gone. */
export function portClosed(host: string, port: number): Check {
  const open = portOpen(host, port);
  return async (signal) => {
    let answered = true;
    try {
      await open(signal);
    } catch {
      answered = false;
    }
    if (answered) throw new Error(`${host}:${port} still accepts connections`);
  };
}
