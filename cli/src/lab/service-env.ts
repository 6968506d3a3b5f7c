import type { LabPart, SettingDescription, SettingSource } from '@frank/kit/settings';
import { unleashApiTokens } from '../runtimes/unleash-tokens.js';
import type { Credentials } from './credentials.js';
import type { Link, Resource, Service, Topology } from './topology.js';

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

export interface EnvironmentOptions {
  /** Defaults to the lab's host address. */
  addresses?: ServiceAddresses;
  /** What only this launcher has (the lab console's CLI and frank.yaml, the storefront's build). */
  lab?: Partial<Record<LabPart, string>>;
  /** NODE_ENV, LOG_LEVEL: the launcher's own choice, given when the service reads it. */
  runtime?: Record<string, string>;
}

/**
 * A service's environment, exactly what it declares (`src/settings.ts`) and nothing else: what it
 * `uses` reached through its own Toxiproxy link (so a fault can hit that one link), the other
 * services it calls, the lab's secrets it reads, and frank.yaml's `env:` for its tunables.
 * frank.yaml is checked against the declaration first (`assertContracts`); an optional setting the
 * lab cannot give is left out.
 */
export function serviceEnvironment(
  service: Service,
  topology: Topology,
  credentials: Credentials,
  declared: SettingDescription[],
  options: EnvironmentOptions = {},
): Record<string, string> {
  const addresses = options.addresses ?? hostAddresses(topology);
  const links = topology.links
    .filter((l) => l.service === service.name)
    .map((link) => ({ link, resource: topology.resources.find((r) => r.name === link.resource)! }));
  const linked = <K extends Resource['kind']>(kind: K) =>
    links.find((l) => l.resource.kind === kind) as { link: Link; resource: Extract<Resource, { kind: K }> } | undefined;

  const valueOf = (name: string, source: SettingSource): string | undefined => {
    switch (source.from) {
      case 'listen':
        return source.part === 'host' ? addresses.bindHost : String(service.port);
      case 'dependency': {
        const found = linked(source.kind);
        if (!found) return undefined;
        const via = addresses.resource(found.link);
        switch (source.kind) {
          case 'postgres': {
            const database = Object.keys((found.resource as Extract<Resource, { kind: 'postgres' }>).databases)[0]!;
            const password = credentials.databaseRoles[database] ?? '';
            return `postgres://${encodeURIComponent(database)}:${encodeURIComponent(password)}@${via}/${database}`;
          }
          case 'rabbitmq':
            return `amqp://${encodeURIComponent(credentials.rabbitmq.user)}:${encodeURIComponent(credentials.rabbitmq.password)}@${via}`;
          case 'mongo':
            return `mongodb://${via}/?directConnection=true`;
          case 'redis':
            return `redis://:${encodeURIComponent(credentials.redis.password)}@${via}`;
        }
        return undefined;
      }
      case 'aws': {
        const found = linked('aws');
        if (!found) return undefined;
        const parts = {
          region: found.resource.region,
          endpoint: `http://${addresses.resource(found.link)}`,
          'access-key-id': credentials.aws.accessKeyId,
          'secret-access-key': credentials.aws.secretAccessKey,
        };
        return parts[source.part];
      }
      case 'flags': {
        const found = linked('unleash');
        if (!found) return undefined;
        return source.part === 'url' ? `http://${addresses.resource(found.link)}/api` : unleashApiTokens(credentials.unleash).client;
      }
      case 'service': {
        const other = topology.services.find((s) => s.name === source.service);
        return other && `http://${addresses.service(other)}`;
      }
      case 'secret':
        return credentials.jwtSecret;
      case 'lab':
        return options.lab?.[source.part];
      case 'tunable':
        return service.env[name];
      case 'runtime':
        return options.runtime?.[name];
    }
  };

  const env: Record<string, string> = {};
  for (const setting of declared) {
    const value = valueOf(setting.name, setting.source);
    if (value !== undefined) env[setting.name] = value;
  }
  return env;
}
