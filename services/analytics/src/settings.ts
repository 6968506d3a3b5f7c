import { defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  ANALYTICS_REFRESH_INTERVAL_MS: setting.tunable(z.coerce.number().int().min(0).default(2000), 'two cube refreshes start at least this far apart'),
  ANALYTICS_REFRESH_RULE: setting.tunable(
    z.string().min(1).default('analytics-cube-refresh'),
    'the scheduled EventBridge rule whose schedule.fired refreshes the cubes',
  ),
});
