import type { SettingValues } from '@frank/kit';
import type { settings } from './settings.js';

export interface PaymentConfig {
  providerUrl: string;
  /** No webhook by then: the payment fails with reason timeout (frank.yaml: PAYMENT_TIMEOUT_MS). */
  timeoutMs: number;
  sweepIntervalMs: number;
  /** One HTTP call to the provider gives up after this long. */
  providerCallTimeoutMs: number;
}

export function paymentConfig(values: SettingValues<typeof settings>): PaymentConfig {
  return {
    providerUrl: values.PAYMENT_PROVIDER_URL.replace(/\/$/, ''),
    timeoutMs: values.PAYMENT_TIMEOUT_MS,
    sweepIntervalMs: values.PAYMENT_SWEEP_INTERVAL_MS,
    providerCallTimeoutMs: values.PAYMENT_PROVIDER_CALL_TIMEOUT_MS,
  };
}
