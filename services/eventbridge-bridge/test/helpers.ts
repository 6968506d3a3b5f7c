import net from 'node:net';

export const BRIDGE_LAB = `version: 1
resources:
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  aws:
    kind: aws
    port: 4566
    emulator: moto
    region: us-east-1
    buses: [frank-external]
    queues: [frank-payment-webhooks]
    rules:
      payment-webhooks:
        bus: frank-external
        pattern: { source: [frank.payment-provider], detail-type: [payment.webhook] }
        target: frank-payment-webhooks
`;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function until<T>(probe: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
