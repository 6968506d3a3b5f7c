import { z } from 'zod';
import { readConfig, type ServiceDefinition } from '@frank/kit';
import { authRoutes } from './api/auth-routes.js';
import { userRoutes } from './api/user-routes.js';

const config = {
  JWT_SECRET: z.string().min(16),
};

/** user-service: registration, login (signed tokens), profiles and roles. */
export const definition: ServiceDefinition = {
  name: 'user',
  async setup({ env, pool, amqp, app }) {
    const { JWT_SECRET } = readConfig(config, env);
    // Without a broker the outbox relay does not run and user.registered would never leave.
    if (!pool || !amqp) throw new Error('Bad service configuration: DATABASE_URL and AMQP_URL are required');
    app.use(authRoutes(pool, JWT_SECRET));
    app.use(userRoutes(pool, JWT_SECRET));
  },
};
