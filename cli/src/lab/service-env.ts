import type { Credentials } from './credentials.js';
import { envName } from './kinds/adapter.js';
import type { Service, Topology } from './topology.js';

/**
 * A service's environment: every dependency it `uses` reached through its own Toxiproxy link
 * (so a fault can hit that one link), the other services' URLs, the lab's secrets, and the
 * `env:` of frank.yaml. Nothing it does not use.
 */
export function serviceEnvironment(service: Service, topology: Topology, credentials: Credentials): Record<string, string> {
  const host = topology.host;
  const env: Record<string, string> = { SERVICE_NAME: service.name, HOST: host, PORT: String(service.port), JWT_SECRET: credentials.jwtSecret };
  for (const link of topology.links.filter((l) => l.service === service.name)) {
    const resource = topology.resources.find((r) => r.name === link.resource)!;
    const via = `${host}:${link.listenPort}`;
    switch (resource.kind) {
      case 'postgres': {
        const database = Object.keys(resource.databases)[0]!;
        const password = credentials.databaseRoles[database] ?? '';
        env.DATABASE_URL = `postgres://${encodeURIComponent(database)}:${encodeURIComponent(password)}@${via}/${database}`;
        break;
      }
      case 'rabbitmq':
        env.AMQP_URL = `amqp://${encodeURIComponent(credentials.rabbitmq.user)}:${encodeURIComponent(credentials.rabbitmq.password)}@${via}`;
        break;
      case 'mongo':
        env.MONGO_URL = `mongodb://${via}/?directConnection=true`;
        break;
      case 'redis':
        env.REDIS_URL = `redis://:${encodeURIComponent(credentials.redis.password)}@${via}`;
        break;
      case 'aws':
        Object.assign(env, {
          AWS_ENDPOINT_URL: `http://${via}`,
          AWS_REGION: resource.region,
          AWS_ACCESS_KEY_ID: credentials.aws.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.aws.secretAccessKey,
        });
        break;
      case 'toxiproxy':
        break;
    }
  }
  for (const other of topology.services) {
    if (other.name !== service.name) env[`${envName(other.name)}_URL`] = `http://${host}:${other.port}`;
  }
  return { ...env, ...service.env };
}
