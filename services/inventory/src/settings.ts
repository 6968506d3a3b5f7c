import { defineSettings, setting } from '@frank/kit/settings';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
});
