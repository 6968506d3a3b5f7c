import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contractOf, loadServiceContracts, type ServiceContracts } from '../../lab/service-contracts.js';
import { serviceEnvironment } from '../../lab/service-env.js';
import { loadTopology, parseTopology, type Topology } from '../../lab/topology.js';
import { serviceContainerSpecs, type ContainerSpec } from './container-spec.js';
import { IMAGES } from './images.js';
import { containerAddresses, serviceBlueprints } from './service-blueprint.js';
import { containerEnvironments, FRANK_YAML, testCredentials } from './test-fixtures.js';

const LAB = 'c0ffee02';
const OFFSET = 100;

const repositoryLab = (offset = OFFSET): Promise<Topology> => loadTopology(FRANK_YAML, { portOffset: offset });

let contracts: ServiceContracts;
beforeAll(async () => {
  contracts = await loadServiceContracts(await repositoryLab());
}, 60_000);

const specsOf = (topology: Topology, credentials = testCredentials()) =>
  serviceContainerSpecs(topology, LAB, containerEnvironments(topology, credentials, contracts));

function envOf(spec: ContainerSpec): Record<string, string> {
  return Object.fromEntries((spec.create.Env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

describe('serviceEnvironment', () => {
  it('still gives the native environment when no addresses are passed: the lab host, ports with the offset', async () => {
    const topology = await repositoryLab();
    const order = topology.services.find((s) => s.name === 'order')!;
    const env = serviceEnvironment(order, topology, testCredentials(), contractOf(contracts, 'order').described);
    const link = (resource: string) => topology.links.find((l) => l.service === 'order' && l.resource === resource)!;
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.PORT).toBe(String(3003 + OFFSET));
    expect(env.DATABASE_URL).toBe(`postgres://order_service:@127.0.0.1:${link('order-db').listenPort}/order_service`);
    expect(env.AMQP_URL).toBe(`amqp://frank-mq:rabbit-secret-2@127.0.0.1:${link('rabbitmq').listenPort}`);
    expect(env.INVENTORY_URL).toBe(`http://127.0.0.1:${3002 + OFFSET}`);
    expect(env.JWT_SECRET).toBe('jwt-secret-5');
    // Exactly what order declares: no other service's URL, nothing it does not read.
    expect(Object.keys(env).sort()).toEqual(['AMQP_URL', 'DATABASE_URL', 'HOST', 'INVENTORY_URL', 'JWT_SECRET', 'PORT']);
  });

  it('gives the token secret only to the services that sign or verify tokens', async () => {
    const topology = await repositoryLab();
    const holders = topology.services
      .filter((s) => 'JWT_SECRET' in serviceEnvironment(s, topology, testCredentials(), contractOf(contracts, s.name).described))
      .map((s) => s.name);
    expect(holders.sort()).toEqual(['bff', 'order', 'user']);
  });
});

describe('serviceContainerSpecs over the repository frank.yaml', () => {
  it('gives every service one container of the pinned node image running its entry point through tsx from the mounted repository', async () => {
    const topology = await repositoryLab();
    const specs = specsOf(topology);
    expect(specs.map((s) => s.resource)).toEqual(topology.services.map((s) => s.name));
    for (const spec of specs) {
      const name = spec.resource;
      expect(spec.create.name).toBe(`frank-${LAB}-${name}`);
      expect(spec.create.Image).toBe(IMAGES.node);
      expect(spec.create.Cmd).toEqual(['node', '--import', 'tsx', `services/${name}/src/main.ts`]);
      expect(spec.create.WorkingDir).toBe('/lab');
      expect(spec.create.User).toBe('node');
      expect(spec.create.HostConfig?.Mounts).toEqual([{ Type: 'bind', Source: topology.root, Target: '/lab', ReadOnly: true }]);
      expect(spec.volume).toBeUndefined();
      // The command's path exists in what is mounted.
      expect(existsSync(path.join(topology.root, 'services', name, 'src', 'main.ts')), name).toBe(true);
    }
  });

  it('publishes each service on 127.0.0.1 at its port with the offset, the same port inside', async () => {
    const topology = await repositoryLab();
    for (const spec of specsOf(topology)) {
      const port = topology.services.find((s) => s.name === spec.resource)!.port;
      expect(spec.create.ExposedPorts).toEqual({ [`${port}/tcp`]: {} });
      expect(spec.create.HostConfig?.PortBindings).toEqual({ [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
      expect(envOf(spec).PORT).toBe(String(port));
    }
  });

  it('has the native environment with container host names: Toxiproxy and the services by name, listening on every interface', async () => {
    const topology = await repositoryLab();
    const credentials = testCredentials();
    for (const spec of specsOf(topology, credentials)) {
      const service = topology.services.find((s) => s.name === spec.resource)!;
      const env = envOf(spec);
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.NODE_ENV).toBe('development');
      // Nothing inside a container can reach the host's loopback.
      expect(JSON.stringify(env), service.name).not.toMatch(/127\.0\.0\.1|localhost/);

      // Native, with each link's 127.0.0.1:<proxy port> and each service's 127.0.0.1:<port> renamed.
      const native = serviceEnvironment(service, topology, credentials, contractOf(contracts, service.name).described, {
        runtime: { NODE_ENV: 'development' },
      });
      const renamed = Object.fromEntries(
        Object.entries(native).map(([key, value]) => {
          let out = value;
          for (const link of topology.links.filter((l) => l.service === service.name))
            out = out.replace(`127.0.0.1:${link.listenPort}`, `toxiproxy:${link.listenPort}`);
          for (const other of topology.services) if (key === `${other.name.toUpperCase().replace(/-/g, '_')}_URL`) out = `http://${other.name}:${other.port}`;
          return [key, out];
        }),
      );
      expect(env, service.name).toEqual({ ...renamed, HOST: '0.0.0.0' });
    }
  });

  it('reaches each link at toxiproxy:<its proxy port>, where proxyRoute makes the proxy listen', async () => {
    const topology = await repositoryLab();
    const env = envOf(specsOf(topology).find((s) => s.resource === 'user')!);
    const port = (resource: string) => topology.links.find((l) => l.service === 'user' && l.resource === resource)!.listenPort;
    expect(env.DATABASE_URL).toBe(`postgres://user_service:role-secret-1@toxiproxy:${port('user-db')}/user_service`);
    expect(env.AMQP_URL).toBe(`amqp://frank-mq:rabbit-secret-2@toxiproxy:${port('rabbitmq')}`);
    expect(env.JWT_SECRET).toBe('jwt-secret-5');
    expect(envOf(specsOf(topology).find((s) => s.resource === 'payment')!).PAYMENT_PROVIDER_URL).toBe(`http://payment-provider:${3010 + OFFSET}`);
    const provider = envOf(specsOf(topology).find((s) => s.resource === 'payment-provider')!);
    expect(provider).toMatchObject({ AWS_ENDPOINT_URL: `http://toxiproxy:${8497 + OFFSET}`, AWS_SECRET_ACCESS_KEY: 'aws-secret-4', PROVIDER_LATENCY_MS: '20' });
  });

  it('is labelled, on the lab network under its name, never restarted, and health-checked at /health/ready with node', async () => {
    const topology = await repositoryLab();
    for (const spec of specsOf(topology)) {
      const port = topology.services.find((s) => s.name === spec.resource)!.port;
      expect(spec.create.Labels).toEqual({ 'dev.frank.lab': LAB, 'dev.frank.resource': spec.resource });
      expect(spec.create.NetworkingConfig?.EndpointsConfig).toEqual({ [`frank-${LAB}`]: { Aliases: [spec.resource] } });
      expect(spec.create.HostConfig?.NetworkMode).toBe(`frank-${LAB}`);
      expect(spec.create.HostConfig?.RestartPolicy).toEqual({ Name: 'no' });
      const test = spec.create.Healthcheck!.Test!;
      expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(test[3]).toContain(`fetch('http://127.0.0.1:${port}/health/ready')`);
      expect(spec.create.Healthcheck!.StartInterval).toBeLessThanOrEqual(1_000_000_000);
    }
  });
});

describe('serviceBlueprints', () => {
  it('depends on Toxiproxy, then on each resource the service uses', async () => {
    const topology = await repositoryLab();
    const plans = Object.fromEntries(serviceBlueprints(topology, () => ({})).map((p) => [p.service, p.dependsOn]));
    expect(plans.bff).toEqual(['toxiproxy', 'mongo', 'redis']);
    expect(plans['payment-provider']).toEqual(['toxiproxy', 'aws']);
    expect(plans.order).toEqual(['toxiproxy', 'order-db', 'rabbitmq']);
  });

  it('refuses a service named like a resource: both would answer to the name on the lab network', () => {
    const topology = parseTopology(
      'version: 1\nresources:\n  cache: { kind: redis, port: 6379 }\nservices:\n  cache: { port: 3000, uses: [] }\n',
      'frank.yaml',
    );
    expect(() => serviceBlueprints(topology, () => ({}))).toThrow(/service cache has the name of a resource/);
  });

  it('names Toxiproxy by its resource name in frank.yaml', () => {
    const topology = parseTopology(
      'version: 1\nresources:\n  cache: { kind: redis, port: 6379 }\n  chaos: { kind: toxiproxy, port: 8474, proxyPorts: 8480 }\nservices:\n  bff: { port: 3000, uses: [cache] }\n',
      'frank.yaml',
    );
    expect(containerAddresses(topology).resource(topology.links[0]!)).toBe('chaos:8480');
    const env = serviceEnvironment(topology.services[0]!, topology, testCredentials(), contractOf(contracts, 'bff').described, {
      addresses: containerAddresses(topology),
    });
    expect(env.REDIS_URL).toBe('redis://:redis-secret-3@chaos:8480');
  });
});
