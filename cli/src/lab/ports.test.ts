import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listeningPorts } from './ports.js';

describe('listeningPorts', () => {
  it('names the ports a socket listens on, from the kernel, and forgets one closed', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await listeningPorts([port, 1])).toEqual([port]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await listeningPorts([port])).toEqual([]);
  });
});
