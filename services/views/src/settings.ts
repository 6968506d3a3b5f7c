import { defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

/** The services whose event stores a rebuild can replay: each one's URL, when the lab has it. */
export const EVENT_SOURCE_SERVICES = ['user', 'order', 'inventory', 'payment', 'notification'] as const;

export const settings = defineSettings({
  AMQP_URL: setting.broker('RabbitMQ: every projector has its queue'),
  MONGO_URL: setting.documents('the view databases it writes'),
  REDIS_URL: setting.optionalCache("the BFF's cache it invalidates after each write"),
  USER_URL: setting.optionalService('user', 'user-service: its event store, for rebuilds'),
  ORDER_URL: setting.optionalService('order', 'order-service: its event store, for rebuilds'),
  INVENTORY_URL: setting.optionalService('inventory', 'inventory-service: the catalogue it seeds product_list from, and its event store'),
  PAYMENT_URL: setting.optionalService('payment', 'payment-service: its event store, for rebuilds'),
  NOTIFICATION_URL: setting.optionalService('notification', 'notification-service: its event store, for rebuilds'),
  VIEWS_PREFETCH: setting.tunable(z.coerce.number().int().min(1).max(500).default(200), 'messages a projector holds unacknowledged'),
  VIEWS_EVENT_SOURCES: setting.tunable(
    z.string().default(EVENT_SOURCE_SERVICES.join(',')),
    'the services whose event stores a rebuild replays (their URLs must be set); empty: none, and no bootstrap',
  ),
});
