import type { ServiceDefinition } from '@frank/kit';
import { addProviderRoutes } from './api/provider-routes.js';
import { awsClientConfig } from '@frank/kit/aws';
import { readProviderConfig } from './config.js';
import { PaymentSimulator } from './domain/payment-simulator.js';
import { seededRandom } from '@frank/kit/random';
import { eventBridgeWebhookSender } from './messaging/eventbridge-webhook-sender.js';

export const definition: ServiceDefinition = {
  name: 'payment-provider',
  async setup({ app, env, log, onShutdown }) {
    const { defaults, seed } = readProviderConfig(env);
    const sender = eventBridgeWebhookSender(awsClientConfig(env));
    const simulator = new PaymentSimulator({ defaults, random: seed === undefined ? Math.random : seededRandom(seed), sender, log });
    addProviderRoutes(app, simulator);
    onShutdown(async () => {
      simulator.stop();
      sender.close();
    });
  },
};
