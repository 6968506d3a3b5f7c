import net from 'node:net';

export const AWS_LAB = `version: 1
resources:
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
