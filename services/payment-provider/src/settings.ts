import { awsSettings, defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

const rate = (description: string) => setting.tunable(z.coerce.number().min(0).max(1).default(0), description);

/** The defaults of the simulated PSP; frank.yaml's `env:` of payment-provider sets them, scenarios change them live. */
export const settings = defineSettings({
  ...awsSettings,
  PROVIDER_LATENCY_MS: setting.tunable(z.coerce.number().int().min(0).default(20), 'how long a payment takes before its webhook'),
  PROVIDER_DECLINE_RATE: rate('share of payments declined'),
  PROVIDER_TIMEOUT_RATE: rate("share of payments answered after the payment's deadline (a late success)"),
  PROVIDER_LATE_WEBHOOK_DELAY_MS: setting.tunable(z.coerce.number().int().min(0).default(5000), 'how late a late webhook comes'),
  PROVIDER_DUPLICATE_WEBHOOK_RATE: rate('share of webhooks sent twice'),
  PROVIDER_SEED: setting.tunable(z.coerce.number().int().optional(), 'makes the outcome draws repeatable'),
});
