import type { LabUnit } from '../topology.js';
import type { KindAdapter } from './adapter.js';
import { awsAdapter } from './aws.js';
import { mongoAdapter } from './mongo.js';
import { postgresAdapter } from './postgres.js';
import { rabbitmqAdapter } from './rabbitmq.js';
import { redisAdapter } from './redis.js';
import { serviceAdapter } from './service.js';
import { toxiproxyAdapter } from './toxiproxy.js';
import { unleashAdapter } from './unleash.js';

const adapters = {
  postgres: postgresAdapter,
  rabbitmq: rabbitmqAdapter,
  mongo: mongoAdapter,
  redis: redisAdapter,
  aws: awsAdapter,
  toxiproxy: toxiproxyAdapter,
  unleash: unleashAdapter,
  service: serviceAdapter,
};

export function adapterFor<R extends LabUnit>(resource: R): KindAdapter<R> {
  return adapters[resource.kind] as unknown as KindAdapter<R>;
}
