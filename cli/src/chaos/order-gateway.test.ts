import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startOrderGateway, type OrderGateway } from './order-gateway.js';

/** A stand-in order-service on a port of its own: the gateway is ours; what is behind it does not matter here. */
function service(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, port });
    }),
  );
}

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});
const track = (gateway: OrderGateway) => {
  closing.push(() => gateway.close());
  return gateway;
};
const stop = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('the order gateway of a chaos load', () => {
  it('forwards method, path, body and token, and gives back status and body', async () => {
    const seen: unknown[] = [];
    const target = await service((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"orderId":"o-1"}');
      });
    });
    closing.push(() => stop(target.server));
    const gateway = track(await startOrderGateway(target.url, { holdMs: 1000 }));
    const answer = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"items":[]}',
    });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ orderId: 'o-1' });
    expect(seen).toEqual([{ method: 'POST', url: '/orders', authorization: 'Bearer t', body: { items: [] } }]);
    expect([gateway.held, gateway.dropped]).toEqual([0, 0]);
  });

  it('holds a request while the service refuses connections and sends it once the service is back', async () => {
    const probe = await service(() => undefined);
    const port = probe.port;
    await stop(probe.server);
    const gateway = track(await startOrderGateway(`http://127.0.0.1:${port}`, { holdMs: 5000 }));
    const answer = fetch(`${gateway.url}/orders`, { method: 'POST', body: '{}' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const back = createServer((_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"orderId":"late"}');
    });
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    closing.push(() => stop(back));
    const response = await answer;
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ orderId: 'late' });
    expect(gateway.held).toBe(1);
  });

  it('answers 502 when the service drops the request, or stays down past the hold', async () => {
    const target = await service((req) => req.socket.destroy());
    closing.push(() => stop(target.server));
    const gateway = track(await startOrderGateway(target.url, { holdMs: 300 }));
    const dropped = await fetch(`${gateway.url}/orders`, { method: 'POST', body: '{}' });
    expect(dropped.status).toBe(502);
    expect(((await dropped.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'bad-gateway',
      message: expect.stringMatching(/^order-service did not answer/),
    });

    const probe = await service(() => undefined);
    await stop(probe.server);
    const down = track(await startOrderGateway(`http://127.0.0.1:${probe.port}`, { holdMs: 300 }));
    expect((await fetch(`${down.url}/orders`, { method: 'POST', body: '{}' })).status).toBe(502);
    expect([down.held, down.dropped]).toEqual([1, 1]);
    expect(gateway.dropped).toBe(1);
  });
});
