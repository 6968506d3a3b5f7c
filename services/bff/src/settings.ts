import { defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  USER_URL: setting.service('user', 'user-service: logins and registrations pass through'),
  INVENTORY_URL: setting.service('inventory', 'inventory-service: what the views do not hold'),
  ORDER_URL: setting.service('order', 'order-service: orders pass through'),
  JWT_SECRET: setting.secret('jwt', z.string().min(1), "verifies the user's token before it reads a user's views"),
  MONGO_URL: setting.optionalDocuments('the views it reads (absent: answers are partial)'),
  REDIS_URL: setting.optionalCache('the cache in front of the views'),
  BFF_CACHE_TTL_S: setting.tunable(z.coerce.number().int().min(1).max(86_400).default(30), 'how long a cached read lives'),
  WEB_DIST_DIR: setting.lab('web-dist', 'the built storefront; absent, / says how to build it'),
  FRANK_CLI: setting.lab('frank-cli', 'the frank CLI the lab console runs; absent, /api/lab/* answers 503'),
  FRANK_CONFIG: setting.lab('frank-config', "the lab's frank.yaml, for the lab console"),
  FRANK_CONSOLE_TOKEN: setting.lab(
    'console-token',
    "the lab console's per-lab token: faults and heals are taken only with it (the page gets it from /api/lab/session); absent, /api/lab/* answers 503",
  ),
  LAB_EVENTS_EVERY: setting.tunable(
    z
      .string()
      .regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration such as 2s')
      .default('2s'),
    "how often the console's live view reads the lab while someone watches it",
  ),
});
