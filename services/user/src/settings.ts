import { defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker('RabbitMQ: the outbox relay publishes user.registered'),
  JWT_SECRET: setting.secret('jwt', z.string().min(16), 'signs the tokens it issues at login (HS256)'),
});
