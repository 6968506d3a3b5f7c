import { readConfig } from '@frank/kit';
import { z } from 'zod';

export interface PaymentConfig {
  providerUrl: string;
  /** No webhook by then: the payment fails with reason timeout (frank.yaml: PAYMENT_TIMEOUT_MS). */
  timeoutMs: number;
  sweepIntervalMs: number;
  /** One HTTP call to the provider gives up after this long. */
  providerCallTimeoutMs: number;
}

export function readPaymentConfig(env: NodeJS.ProcessEnv): PaymentConfig {
  const config = readConfig(
    {
      PAYMENT_PROVIDER_URL: z.string().url(),
      PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
      PAYMENT_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(250),
      PAYMENT_PROVIDER_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
    },
    env,
  );
  return {
    providerUrl: config.PAYMENT_PROVIDER_URL.replace(/\/$/, ''),
    timeoutMs: config.PAYMENT_TIMEOUT_MS,
    sweepIntervalMs: config.PAYMENT_SWEEP_INTERVAL_MS,
    providerCallTimeoutMs: config.PAYMENT_PROVIDER_CALL_TIMEOUT_MS,
  };
}
