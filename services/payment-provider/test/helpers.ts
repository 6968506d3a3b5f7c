import { until as waitFor } from '../../../cli/test/service-lab.js';

export { freePort } from '../../../cli/test/service-lab.js';

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

/** The shared wait, with the description first as these tests write it. */
export const until = <T>(probe: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 20_000): Promise<T> => waitFor(probe, timeoutMs, what);
