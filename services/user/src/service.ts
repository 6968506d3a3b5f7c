import type { ServiceDefinition } from '@frank/kit';
import { authRoutes } from './api/auth-routes.js';
import { userRoutes } from './api/user-routes.js';
import { settings } from './settings.js';

/** user-service: registration, login (signed tokens), profiles and roles. */
export const definition: ServiceDefinition<typeof settings> = {
  name: 'user',
  settings,
  async setup({ settings: { JWT_SECRET }, pool, amqp, app }) {
    // Without a broker the outbox relay does not run and user.registered would never leave.
    if (!pool || !amqp) throw new Error('Bad service configuration: DATABASE_URL and AMQP_URL are required');
    app.use(authRoutes(pool, JWT_SECRET));
    app.use(userRoutes(pool, JWT_SECRET));
  },
};
