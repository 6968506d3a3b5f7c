import type { Resource } from '../topology.js';
import type { KindAdapter } from './adapter.js';
import { awsAdapter } from './aws.js';
import { mongoAdapter } from './mongo.js';
import { postgresAdapter } from './postgres.js';
import { rabbitmqAdapter } from './rabbitmq.js';
import { redisAdapter } from './redis.js';
import { toxiproxyAdapter } from './toxiproxy.js';

const adapters = {
  postgres: postgresAdapter,
  rabbitmq: rabbitmqAdapter,
  mongo: mongoAdapter,
  redis: redisAdapter,
  aws: awsAdapter,
  toxiproxy: toxiproxyAdapter,
};

export function adapterFor<R extends Resource>(resource: R): KindAdapter<R> {
  return adapters[resource.kind] as unknown as KindAdapter<R>;
}
