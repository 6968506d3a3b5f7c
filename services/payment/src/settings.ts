import { defineSettings, flagSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

const milliseconds = () => z.coerce.number().int().positive();

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  ...flagSettings,
  PAYMENT_PROVIDER_URL: setting.service('payment-provider', 'the payment provider it asks to charge and refund'),
  PAYMENT_TIMEOUT_MS: setting.tunable(milliseconds().default(3000), 'no webhook by then: payment.failed {reason: timeout}'),
  PAYMENT_SWEEP_INTERVAL_MS: setting.tunable(milliseconds().default(250), 'how often overdue payments and unsent requests are looked for'),
  PAYMENT_PROVIDER_CALL_TIMEOUT_MS: setting.tunable(milliseconds().default(2000), 'one HTTP call to the provider gives up after this long'),
});
