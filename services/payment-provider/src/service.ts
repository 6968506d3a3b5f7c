import type { ServiceDefinition } from '@frank/kit';
import { awsClientConfig } from '@frank/kit/aws';
import { seededRandom } from '@frank/kit/random';
import { addProviderRoutes } from './api/provider-routes.js';
import { providerBehaviour } from './config.js';
import { PaymentSimulator } from './domain/payment-simulator.js';
import { eventBridgeWebhookSender } from './messaging/eventbridge-webhook-sender.js';
import { settings } from './settings.js';

export const definition: ServiceDefinition<typeof settings> = {
  name: 'payment-provider',
  settings,
  async setup({ app, settings: values, log, onShutdown }) {
    const { defaults, seed } = providerBehaviour(values);
    const sender = eventBridgeWebhookSender(awsClientConfig(values));
    const simulator = new PaymentSimulator({ defaults, random: seed === undefined ? Math.random : seededRandom(seed), sender, log });
    addProviderRoutes(app, simulator);
    onShutdown(async () => {
      simulator.stop();
      sender.close();
    });
  },
};
