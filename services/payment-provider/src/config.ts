import { readConfig } from '@frank/kit';
import { z } from 'zod';
import type { Behaviour } from './domain/behaviour.js';

const rate = z.coerce.number().min(0).max(1);
const delay = z.coerce.number().int().min(0);

/** The defaults come from `env:` of payment-provider in frank.yaml; these are frank.yaml's values. */
export function readProviderConfig(env: NodeJS.ProcessEnv): { defaults: Behaviour; seed: number | undefined } {
  const config = readConfig(
    {
      PROVIDER_LATENCY_MS: delay.default(20),
      PROVIDER_DECLINE_RATE: rate.default(0),
      PROVIDER_TIMEOUT_RATE: rate.default(0),
      PROVIDER_LATE_WEBHOOK_DELAY_MS: delay.default(5000),
      PROVIDER_DUPLICATE_WEBHOOK_RATE: rate.default(0),
      /** Optional: a seed makes the outcome draws repeatable. */
      PROVIDER_SEED: z.coerce.number().int().optional(),
    },
    env,
  );
  return {
    defaults: {
      latencyMs: config.PROVIDER_LATENCY_MS,
      declineRate: config.PROVIDER_DECLINE_RATE,
      timeoutRate: config.PROVIDER_TIMEOUT_RATE,
      lateWebhookDelayMs: config.PROVIDER_LATE_WEBHOOK_DELAY_MS,
      duplicateWebhookRate: config.PROVIDER_DUPLICATE_WEBHOOK_RATE,
    },
    seed: config.PROVIDER_SEED,
  };
}
