import { declareConsumerQueue, type ConsumerRegistration } from '@frank/kit';
import { FORWARDED_TYPES } from './handler.js';

export const QUEUE = 'rabbitmq-bridge.outcomes';
const DELIVERY_LIMIT = 20;

/** The bridge's queue, declared as every consumer's is; the bridge has no database, so no inbox. */
export async function declareOutcomeQueue(channel: Parameters<ConsumerRegistration['declare']>[0]): Promise<void> {
  await declareConsumerQueue(channel, QUEUE, [...FORWARDED_TYPES], DELIVERY_LIMIT);
}
