import { defineSettings, flagSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  ...flagSettings,
  CHANNEL_FAILURE_RATE: setting.tunable(z.coerce.number().min(0).max(1).default(0), 'share of deliveries the simulated channels fail'),
  CHANNEL_LATENCY_MS: setting.tunable(z.coerce.number().int().min(0).max(60_000).default(0), 'how long the simulated channels take'),
  NOTIFICATION_MAX_ATTEMPTS: setting.tunable(z.coerce.number().int().min(1).max(100).default(3), 'deliveries tried before notification.failed'),
  NOTIFICATION_BACKOFF_MS: setting.tunable(z.coerce.number().int().min(1).default(200), 'the first pause between attempts'),
  NOTIFICATION_BACKOFF_MAX_MS: setting.tunable(z.coerce.number().int().min(1).default(5000), 'the longest pause between attempts'),
  NOTIFICATION_POLL_MS: setting.tunable(
    z.coerce.number().int().min(10).default(1000),
    'how often the idle delivery worker looks for due deliveries nothing told it of (its own are announced: new ones on commit, retries when due)',
  ),
  NOTIFICATION_WORKERS: setting.tunable(z.coerce.number().int().min(1).max(32).default(4), 'deliveries in flight at once'),
});
