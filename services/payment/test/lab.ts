import { migrate, until as waitFor } from '../../../cli/test/service-lab.js';

export { freePort } from '../../../cli/test/service-lab.js';

/** The servers payment's chain needs: its database, the broker, and moto with the webhook route of frank.yaml. */
export const PAYMENT_LAB = `version: 1
resources:
  payment-db:
    kind: postgres
    port: 5435
    databases:
      payment_service: [payment_domain, saga_coord, event_store]
  rabbitmq:
    kind: rabbitmq
    port: 5672
    exchanges: { frank.events: topic, frank.dlx: topic }
  aws:
    kind: aws
    port: 4566
    emulator: moto
    region: us-east-1
    buses: [frank-external, frank-internal]
    queues: [frank-payment-webhooks]
    rules:
      payment-webhooks:
        bus: frank-external
        pattern: { source: [frank.payment-provider], detail-type: [payment.webhook] }
        target: frank-payment-webhooks
`;

export const migratePayment = (databaseUrl: string): Promise<void> => migrate(databaseUrl, 'payment');

/** The shared wait, with the description first as these tests write it. */
export const until = <T>(probe: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 20_000): Promise<T> => waitFor(probe, timeoutMs, what);
