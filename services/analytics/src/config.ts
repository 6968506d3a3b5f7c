import { readConfig } from '@frank/kit';
import { z } from 'zod';

const shape = {
  /** Two cube refreshes start at least this far apart. */
  ANALYTICS_REFRESH_INTERVAL_MS: z.coerce.number().int().min(0).default(2000),
};

export function readAnalyticsConfig(env: NodeJS.ProcessEnv) {
  return readConfig(shape, env);
}
