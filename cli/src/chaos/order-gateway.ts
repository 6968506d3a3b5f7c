import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';

export interface OrderGateway {
  url: string;
  /** Requests that found the service down (connection refused) and were held until it came back. */
  readonly held: number;
  /** Requests answered 502 because the service dropped them (reset, hang-up) or stayed down. */
  readonly dropped: number;
  close(): Promise<void>;
}

/**
 * What the chaos load reaches order-service through: a forwarder that behaves like a client with
 * a retry. A request that finds the service down (connection refused: it never arrived) waits and
 * is sent again, for up to `holdMs`; one the service dropped mid-way is answered 502, as a gateway
 * would. The saga's load driver treats a dropped connection as its own failure and stops; through
 * this, a killed order-service shows as refused or delayed orders, which is what a client sees.
 */
export async function startOrderGateway(target: string, options: { holdMs: number }): Promise<OrderGateway> {
  let held = 0;
  let dropped = 0;
  const server = createServer((request, response) => {
    forward(request, response).catch(() => response.destroy());
  });
  const forward = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const deadline = Date.now() + options.holdMs;
    let counted = false;
    for (;;) {
      try {
        const answer = await fetch(new URL(request.url ?? '/', target), { method: request.method, headers, body });
        const payload = Buffer.from(await answer.arrayBuffer());
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        response.end(payload);
        return;
      } catch (error) {
        const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        if (refused && Date.now() < deadline) {
          if (!counted) held++;
          counted = true;
          await sleep(200);
          continue;
        }
        dropped++;
        const reason = (error as { cause?: Error }).cause?.message ?? errorMessage(error);
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'bad-gateway', message: `order-service did not answer: ${reason}` } }));
        return;
      }
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get held() {
      return held;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
