import type { SettingValues } from '@frank/kit';
import type { Behaviour } from './domain/behaviour.js';
import type { settings } from './settings.js';

export function providerBehaviour(values: SettingValues<typeof settings>): { defaults: Behaviour; seed: number | undefined } {
  return {
    defaults: {
      latencyMs: values.PROVIDER_LATENCY_MS,
      declineRate: values.PROVIDER_DECLINE_RATE,
      timeoutRate: values.PROVIDER_TIMEOUT_RATE,
      lateWebhookDelayMs: values.PROVIDER_LATE_WEBHOOK_DELAY_MS,
      duplicateWebhookRate: values.PROVIDER_DUPLICATE_WEBHOOK_RATE,
    },
    seed: values.PROVIDER_SEED,
  };
}
