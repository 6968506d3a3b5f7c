import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlags, FLAGS } from './flags.js';
import type { Logger } from './log.js';

const lines: { level: string; message: string }[] = [];
const log: Logger = {
  debug: () => undefined,
  info: (message) => void lines.push({ level: 'info', message }),
  warn: (message) => void lines.push({ level: 'warn', message }),
  error: (message) => void lines.push({ level: 'error', message }),
  child: () => log,
};

describe('the kit flags', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    lines.length = 0;
  });

  it('without UNLEASH_URL: every flag its declared default, and the view says so', () => {
    const flags = createFlags({ url: undefined, token: undefined, appName: 'payment', log });
    expect(flags.isEnabled('payment.kill-switch')).toBe(FLAGS['payment.kill-switch'].default);
    expect(flags.view()).toEqual({ source: 'defaults', flags: { 'payment.kill-switch': false, 'payment.provider-v2': false } });
    flags.close();
  });

  it('Unleash unreachable (nothing listens on its port): defaults at once, one warning once the client gave up, no crash, even after close', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const flags = createFlags({ url: `http://127.0.0.1:${port}/api`, token: 'default:development.x', appName: 'notification', log, refreshMs: 50 });
    expect(flags.isEnabled('notification.sms')).toBe(false);
    expect(flags.view()).toEqual({ source: 'defaults', flags: { 'notification.sms': false } });
    // unleash-client retries a failed fetch twice (about 3 s) before it reports it.
    for (let waited = 0; waited < 8000 && lines.length === 0; waited += 100) await sleep(100);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'Unleash does not answer; flags keep their last known state (defaults before the first)',
    ]);
    expect(flags.isEnabled('notification.sms')).toBe(false);
    flags.close();
    // A fetch in flight after close reports into the void, not into an unhandled 'error'.
    await sleep(3500);
  });
});
