import { timingSafeEqual } from 'node:crypto';
import { HttpError } from '@frank/kit';
import type { NextFunction, Request, Response } from 'express';

/**
 * The header the console's page sends its per-lab token in: a custom header, so no other site's
 * page can send it without a CORS preflight, which nothing here answers.
 */
export const CONSOLE_TOKEN_HEADER = 'x-frank-console-token';

/**
 * The addresses the console answers to: the BFF's own, as a browser on this machine names it.
 * A page of another site that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its own
 * name as Host, and is refused.
 */
export function consoleHosts(host: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (host !== '0.0.0.0' && host !== '::') hosts.add(`${host.includes(':') ? `[${host}]` : host}:${port}`);
  return hosts;
}

/**
 * Every /api/lab request: its Host must be the lab's own address, and a browser's Origin (when it
 * sends one) and Sec-Fetch-Site must say it comes from the console's own page. A request from a
 * page of another site, or from a name rebound to this machine, never reaches the lab.
 */
export function sameOriginOnly(hosts: Set<string>) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      throw new HttpError(
        403,
        'forbidden',
        `The lab console answers only to its own address (${[...hosts].join(', ')}), not to Host "${host.slice(0, 100)}": a page of another site that points its name here (DNS rebinding) is refused.`,
        { field: 'host' },
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.has(originHost(origin))) {
      throw new HttpError(403, 'forbidden', `The lab console takes requests only from its own page, not from ${origin.slice(0, 100)}.`, { field: 'origin' });
    }
    if (req.headers['sec-fetch-site'] === 'cross-site')
      throw new HttpError(403, 'forbidden', 'The lab console takes requests only from its own page, not from another site.', { field: 'origin' });
    next();
  };
}

function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' ? url.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

/** Changes to the lab (faults, heals) carry the lab's console token, which only the console's own page can read (GET /api/lab/session). */
export function tokenRequired(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, _res: Response, next: NextFunction): void => {
    const given = Buffer.from(String(req.headers[CONSOLE_TOKEN_HEADER] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(
        403,
        'forbidden',
        `Faults are injected and healed only with this lab's console token (header ${CONSOLE_TOKEN_HEADER}, which the console's page reads from GET /api/lab/session).`,
        { field: CONSOLE_TOKEN_HEADER },
      );
    }
    next();
  };
}

export type QuotaKind = 'held' | 'run' | 'stream';

/** What one caller (one address) may hold at once: `frank chaos … --for` processes, CLI runs, event streams. */
export const CONSOLE_LIMITS: Record<QuotaKind, number> = { held: 3, run: 4, stream: 6 };

const WHAT: Record<QuotaKind, string> = {
  held: 'faults held with `for` (each is a frank process until it heals)',
  run: 'frank commands running at once',
  stream: 'event streams open',
};

/**
 * A cap on the frank processes (and streams) one caller holds through the console: past it the
 * request is a 429 with Retry-After, and nothing is started.
 */
export class ConsoleQuota {
  private readonly held = new Map<string, number>();

  constructor(private readonly limits: Record<QuotaKind, number> = CONSOLE_LIMITS) {}

  /** Takes one of `kind` for `caller`; the function given back returns it (once). */
  acquire(kind: QuotaKind, caller: string, res: Response): () => void {
    const key = `${kind} ${caller}`;
    const now = this.held.get(key) ?? 0;
    if (now >= this.limits[kind]) {
      res.setHeader('retry-after', kind === 'held' ? '30' : '5');
      throw new HttpError(
        429,
        'too-many',
        `At most ${this.limits[kind]} ${WHAT[kind]} per caller: wait for one to end${kind === 'held' ? ', or heal them all' : ''}.`,
        { limit: this.limits[kind] },
      );
    }
    this.held.set(key, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left <= 0) this.held.delete(key);
      else this.held.set(key, left);
    };
  }
}
