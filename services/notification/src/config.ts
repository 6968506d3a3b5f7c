import { readConfig } from '@frank/kit';
import { z } from 'zod';

const shape = {
  CHANNEL_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  CHANNEL_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  NOTIFICATION_BACKOFF_MS: z.coerce.number().int().min(1).default(200),
  NOTIFICATION_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(5000),
  /** How often the delivery worker looks for due deliveries when it found none. */
  NOTIFICATION_POLL_MS: z.coerce.number().int().min(10).default(200),
  NOTIFICATION_WORKERS: z.coerce.number().int().min(1).max(32).default(4),
};

export type NotificationConfig = ReturnType<typeof readNotificationConfig>;

export function readNotificationConfig(env: NodeJS.ProcessEnv) {
  return readConfig(shape, env);
}
