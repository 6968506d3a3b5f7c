import { defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  JWT_SECRET: setting.secret('jwt', z.string().min(16), "verifies the user's token on every order"),
  INVENTORY_URL: setting.service('inventory', 'inventory-service: SKUs and prices of a new order'),
});
