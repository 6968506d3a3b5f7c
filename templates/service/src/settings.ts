import { defineSettings, setting } from '@frank/kit/settings';

/** Everything {{name}}-service reads from its environment; every launcher gives exactly this. */
export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker('RabbitMQ: the outbox relay publishes its events'),
});
