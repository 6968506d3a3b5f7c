import type { Credentials } from './credentials.js';
import { envName } from './kinds/adapter.js';
import type { Link, Service, Topology } from './topology.js';

/**
 * Where a service finds what it talks to. Natively everything is on the lab's host address; in a
 * container (docker runtime, compose) Toxiproxy and the other services answer to their names on
 * the lab's network. Ports, credentials and everything else stay the same.
 */
export interface ServiceAddresses {
  /** `host:port` of the Toxiproxy proxy of one of the service's links. */
  resource(link: Link): string;
  /** `host:port` of another service. */
  service(other: Service): string;
  /** The address the service listens on (its HOST). */
  bindHost: string;
}

/** Everything on the lab's host address (`lab.host` of frank.yaml): how the native runtime runs a service. */
export function hostAddresses(topology: Topology): ServiceAddresses {
  return {
    resource: (link) => `${topology.host}:${link.listenPort}`,
    service: (other) => `${topology.host}:${other.port}`,
    bindHost: topology.host,
  };
}

/**
 * A service's environment: every dependency it `uses` reached through its own Toxiproxy link
 * (so a fault can hit that one link), the other services' URLs, the lab's secrets, and the
 * `env:` of frank.yaml. Nothing it does not use. `addresses` defaults to the lab's host address.
 */
export function serviceEnvironment(
  service: Service,
  topology: Topology,
  credentials: Credentials,
  addresses: ServiceAddresses = hostAddresses(topology),
): Record<string, string> {
  const env: Record<string, string> = { SERVICE_NAME: service.name, HOST: addresses.bindHost, PORT: String(service.port), JWT_SECRET: credentials.jwtSecret };
  for (const link of topology.links.filter((l) => l.service === service.name)) {
    const resource = topology.resources.find((r) => r.name === link.resource)!;
    const via = addresses.resource(link);
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
    if (other.name !== service.name) env[`${envName(other.name)}_URL`] = `http://${addresses.service(other)}`;
  }
  return { ...env, ...service.env };
}
