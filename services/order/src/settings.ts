import { defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  JWT_SECRET: setting.secret('jwt', z.string().min(16), "verifies the user's token on every order"),
  INVENTORY_URL: setting.service('inventory', 'inventory-service: SKUs and prices of a new order'),
  // bench:saga measured 14 sagas/s on 2 cores; payment waits 3 s for the provider's webhook. Half
  // that deadline's worth of backlog leaves the other half to the webhook chain. 0: no bound.
  ORDER_MAX_IN_FLIGHT: setting.tunable(
    z.coerce.number().int().min(0).default(24),
    'at most this many orders accepted and not yet settled; above the bound POST /orders answers 503 with Retry-After (load shedding); 0: no bound',
  ),
  // payment fails a payment 3 s after it opened without the provider's answer; a 90th percentile
  // of 2 s leaves the slowest tenth a second of margin.
  ORDER_PAYMENT_TARGET_MS: setting.tunable(
    z.coerce.number().int().positive().default(2000),
    "the 90th percentile of reserved → payment's answer above which the in-flight bound drops (a slower lab holds fewer orders)",
  ),
});
