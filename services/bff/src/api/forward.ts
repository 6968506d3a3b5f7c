import type { Request, Response } from 'express';
import type { Logger } from '@frank/kit';

export interface Downstream {
  /** The service's name, as a 502 names it: `user`, `inventory`, `order`. */
  service: string;
  baseUrl: string;
}

export interface ForwardOptions {
  log: Logger;
  timeoutMs?: number;
}

/**
 * Sends the request on to a service and its answer back unchanged (status, content type, body).
 * The caller's Authorization header goes along: each service checks the token itself. A service
 * that does not answer (refused, reset, timed out) is a 502 that names it.
 */
export async function forward(req: Request, res: Response, to: Downstream, path: string, options: ForwardOptions): Promise<void> {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const url = new URL(path + query, to.baseUrl);
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = req.header('authorization');
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  // express.json has parsed the body already (and answered 400 to malformed JSON); send it on as JSON.
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  let answer: globalThis.Response;
  try {
    answer = await fetch(url, { method: req.method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    options.log.warn('downstream did not answer', { service: to.service, url: url.href, reason });
    res.status(502).json({ error: { code: 'bad-gateway', message: `${to.service}-service did not answer: ${reason}`, service: to.service } });
    return;
  }
  const contentType = answer.headers.get('content-type');
  if (contentType) res.setHeader('content-type', contentType);
  const cacheControl = answer.headers.get('cache-control');
  if (cacheControl) res.setHeader('cache-control', cacheControl);
  res.status(answer.status).send(Buffer.from(await answer.arrayBuffer()));
}
