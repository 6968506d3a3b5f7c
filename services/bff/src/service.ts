import { z } from 'zod';
import { readConfig, type ServiceDefinition } from '@frank/kit';
import { bffRoutes } from './api/routes.js';

const config = {
  USER_URL: z.url(),
  INVENTORY_URL: z.url(),
  ORDER_URL: z.url(),
};

/** The backend for the frontend. No database yet (the read side comes later), so ready = live. */
export const definition: ServiceDefinition = {
  name: 'bff',
  async setup({ env, app, log }) {
    const urls = readConfig(config, env);
    app.use(
      bffRoutes(
        {
          user: { service: 'user', baseUrl: urls.USER_URL },
          inventory: { service: 'inventory', baseUrl: urls.INVENTORY_URL },
          order: { service: 'order', baseUrl: urls.ORDER_URL },
        },
        log,
      ),
    );
  },
};
