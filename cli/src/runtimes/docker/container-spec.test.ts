import { describe, expect, it } from 'vitest';
import { labPorts, loadTopology, parseTopology, type Topology } from '../../lab/topology.js';
import { containerSpecs, networkSpec, type ContainerSpec } from './container-spec.js';
import { IMAGES } from './images.js';
import { containerPort, proxyRoute, REDIS_WITH_CONFIG_FILE } from './resource-blueprint.js';
import { FRANK_YAML, testCredentials } from './test-fixtures.js';

const LAB = 'c0ffee01';
const OFFSET = 100;
const NS_PER_S = 1_000_000_000;

async function repositoryLab(offset = OFFSET): Promise<Topology> {
  return loadTopology(FRANK_YAML, { portOffset: offset });
}

function byResource(specs: ContainerSpec[]): Map<string, ContainerSpec> {
  return new Map(specs.map((s) => [s.resource, s]));
}

function envOf(spec: ContainerSpec): Record<string, string> {
  return Object.fromEntries((spec.create.Env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

function bindingsOf(spec: ContainerSpec): { container: string; hostIp: string | undefined; hostPort: string | undefined }[] {
  return Object.entries(spec.create.HostConfig?.PortBindings ?? {}).flatMap(([container, list]) =>
    (list as { HostIp?: string; HostPort?: string }[]).map((b) => ({ container, hostIp: b.HostIp, hostPort: b.HostPort })),
  );
}

describe('containerSpecs over the repository frank.yaml', () => {
  it('gives every resource one container of a pinned image, named after the lab and the resource', async () => {
    const topology = await repositoryLab();
    const specs = containerSpecs(topology, testCredentials(), LAB);
    expect(specs.map((s) => s.resource)).toEqual(topology.resources.map((r) => r.name));
    const pinned = new Set<string>(Object.values(IMAGES));
    for (const spec of specs) {
      expect(spec.create.name).toBe(`frank-${LAB}-${spec.resource}`);
      expect(spec.create.Image).toBe(spec.image);
      expect(pinned.has(spec.image), spec.image).toBe(true);
    }
    const images = Object.fromEntries(specs.map((s) => [s.resource, s.image]));
    expect(images).toMatchObject({
      'user-db': IMAGES.postgres,
      rabbitmq: IMAGES.rabbitmq,
      mongo: IMAGES.mongo,
      redis: IMAGES.redis,
      aws: IMAGES.moto,
      toxiproxy: IMAGES.toxiproxy,
    });
  });

  it('publishes exactly the lab ports on 127.0.0.1, with the port offset applied, each to the port inside its container', async () => {
    const topology = await repositoryLab();
    const specs = containerSpecs(topology, testCredentials(), LAB);
    const bindings = specs.flatMap((spec) => bindingsOf(spec).map((b) => ({ ...b, resource: spec.resource })));
    expect(new Set(bindings.map((b) => b.hostIp))).toEqual(new Set(['127.0.0.1']));

    // Every port of labPorts() but RabbitMQ's Erlang distribution port, which a container keeps to itself.
    const expected = labPorts(topology)
      .filter((p) => !p.owner.includes('Erlang') && !p.owner.startsWith('service '))
      .map((p) => `${p.resource} ${p.port}`);
    expect(bindings.map((b) => `${b.resource} ${b.hostPort}`).sort()).toEqual(expected.sort());

    const main = byResource(specs);
    expect(bindingsOf(main.get('user-db')!)).toEqual([{ container: '5432/tcp', hostIp: '127.0.0.1', hostPort: '5532' }]);
    expect(bindingsOf(main.get('inventory-db')!)).toEqual([{ container: '5432/tcp', hostIp: '127.0.0.1', hostPort: '5533' }]);
    expect(bindingsOf(main.get('rabbitmq')!)).toEqual([{ container: '5672/tcp', hostIp: '127.0.0.1', hostPort: '5772' }]);
    expect(bindingsOf(main.get('mongo')!)).toEqual([{ container: '27017/tcp', hostIp: '127.0.0.1', hostPort: '27117' }]);
    expect(bindingsOf(main.get('redis')!)).toEqual([{ container: '6379/tcp', hostIp: '127.0.0.1', hostPort: '6479' }]);
    expect(bindingsOf(main.get('aws')!)).toEqual([{ container: '5000/tcp', hostIp: '127.0.0.1', hostPort: '4666' }]);
    const toxiproxy = bindingsOf(main.get('toxiproxy')!);
    expect(toxiproxy[0]).toEqual({ container: '8474/tcp', hostIp: '127.0.0.1', hostPort: '8574' });
    // A proxy listens inside the container on the same port as on the host.
    for (const link of topology.links)
      expect(toxiproxy).toContainEqual({ container: `${link.listenPort}/tcp`, hostIp: '127.0.0.1', hostPort: String(link.listenPort) });

    for (const spec of specs)
      expect(Object.keys(spec.create.ExposedPorts ?? {}).sort()).toEqual(
        bindingsOf(spec)
          .map((b) => b.container)
          .sort(),
      );
  });

  it('binds to the host address frank.yaml names', async () => {
    const topology = { ...(await repositoryLab()), host: '127.0.0.2' };
    const hostIps = containerSpecs(topology, testCredentials(), LAB).flatMap((s) => bindingsOf(s).map((b) => b.hostIp));
    expect(new Set(hostIps)).toEqual(new Set(['127.0.0.2']));
  });

  it("hands the containers the lab's own credentials, as the native runtime does", async () => {
    const credentials = testCredentials();
    const specs = byResource(containerSpecs(await repositoryLab(), credentials, LAB));
    for (const name of ['user-db', 'inventory-db', 'order-db', 'payment-db', 'notification-db', 'analytics-db', 'infrastructure-db']) {
      const env = envOf(specs.get(name)!);
      expect(env.POSTGRES_USER, name).toBe(credentials.admin.user);
      expect(env.POSTGRES_PASSWORD, name).toBe(credentials.admin.password);
      expect(env.POSTGRES_DB, name).toBe('postgres');
      expect(env.POSTGRES_INITDB_ARGS, name).toContain('--auth-host=scram-sha-256');
    }
    expect(envOf(specs.get('rabbitmq')!)).toEqual({ RABBITMQ_DEFAULT_USER: 'frank-mq', RABBITMQ_DEFAULT_PASS: 'rabbit-secret-2' });
    const redis = specs.get('redis')!;
    // The password reaches Redis through a 0600 config file written from the environment, never on a command line.
    expect(redis.create.Cmd).toEqual(['sh', '-c', REDIS_WITH_CONFIG_FILE]);
    expect(JSON.stringify(redis.create.Cmd)).not.toContain('redis-secret-3');
    expect(envOf(redis)).toEqual({ REDISCLI_AUTH: 'redis-secret-3' });
    // Mongo and moto take no credentials natively either.
    expect(envOf(specs.get('mongo')!)).toEqual({});
    expect(JSON.stringify(specs.get('aws')!.create)).not.toContain('aws-secret-4');
  });

  it('runs PostgreSQL with the lab settings of the native runtime plus those frank.yaml gives', async () => {
    const topology = parseTopology(
      'version: 1\nresources:\n  db: { kind: postgres, port: 5432, databases: {}, settings: { work_mem: 8MB, jit: false, max_connections: 20 } }\n',
      'frank.yaml',
    );
    const [db] = containerSpecs(topology, testCredentials(), LAB);
    const cmd = db!.create.Cmd!;
    expect(cmd[0]).toBe('postgres');
    const settings = Object.fromEntries(
      cmd
        .slice(1)
        .filter((_, i) => i % 2 === 1)
        .map((s) => s.split('=') as [string, string]),
    );
    expect(
      cmd
        .slice(1)
        .filter((_, i) => i % 2 === 0)
        .every((flag) => flag === '-c'),
    ).toBe(true);
    expect(settings).toEqual({
      fsync: 'off',
      synchronous_commit: 'on',
      full_page_writes: 'off',
      shared_buffers: '16MB',
      max_connections: '20',
      logging_collector: 'off',
      work_mem: '8MB',
      jit: 'off',
    });
    expect(db!.create.StopSignal).toBe('SIGINT');
  });

  it('gives every container a health check with a short start interval, in nanoseconds', async () => {
    const specs = containerSpecs(await repositoryLab(), testCredentials(), LAB);
    for (const spec of specs) {
      const check = spec.create.Healthcheck;
      expect(check, spec.resource).toBeDefined();
      expect(['CMD', 'CMD-SHELL'], spec.resource).toContain(check!.Test![0]);
      expect(check!.StartInterval!, spec.resource).toBeGreaterThanOrEqual(0.1 * NS_PER_S);
      expect(check!.StartInterval!, spec.resource).toBeLessThanOrEqual(1 * NS_PER_S);
      expect(check!.StartPeriod!, spec.resource).toBeGreaterThanOrEqual(30 * NS_PER_S);
      expect(check!.Interval!, spec.resource).toBeGreaterThan(check!.StartInterval!);
      expect(check!.Timeout!, spec.resource).toBeLessThanOrEqual(check!.Interval! * 2);
      expect(check!.Retries, spec.resource).toBeGreaterThan(0);
    }
    const tests = Object.fromEntries(specs.map((s) => [s.resource, s.create.Healthcheck!.Test!.join(' ')]));
    expect(tests['user-db']).toBe('CMD pg_isready -h 127.0.0.1 -p 5432 -U frank -d postgres');
    expect(tests.rabbitmq).toBe('CMD rabbitmq-diagnostics -q check_port_connectivity');
    expect(tests.redis).toBe('CMD-SHELL redis-cli ping | grep -q PONG');
    expect(tests.toxiproxy).toBe('CMD /toxiproxy-cli list');
    // The password never shows in a health check (docker inspect prints them).
    expect(Object.values(tests).join(' ')).not.toMatch(/secret/);
  });

  it('labels every container with the lab and its resource, and attaches it to the lab network under its resource name', async () => {
    const specs = containerSpecs(await repositoryLab(), testCredentials(), LAB);
    expect(networkSpec(LAB)).toEqual({ name: `frank-${LAB}`, labels: { 'dev.frank.lab': LAB } });
    for (const spec of specs) {
      expect(spec.create.Labels).toEqual({ 'dev.frank.lab': LAB, 'dev.frank.resource': spec.resource });
      expect(spec.create.HostConfig?.NetworkMode).toBe(`frank-${LAB}`);
      expect(spec.create.NetworkingConfig?.EndpointsConfig).toEqual({ [`frank-${LAB}`]: { Aliases: [spec.resource] } });
      expect(spec.create.HostConfig?.RestartPolicy).toEqual({ Name: 'no' });
    }
  });

  it('keeps the data of every stateful resource in a labelled named volume, and none for moto, toxiproxy and unleash (its state is in its database)', async () => {
    const specs = byResource(containerSpecs(await repositoryLab(), testCredentials(), LAB));
    const expected: Record<string, string> = {
      'user-db': '/var/lib/postgresql',
      'inventory-db': '/var/lib/postgresql',
      'order-db': '/var/lib/postgresql',
      'payment-db': '/var/lib/postgresql',
      'notification-db': '/var/lib/postgresql',
      'analytics-db': '/var/lib/postgresql',
      'infrastructure-db': '/var/lib/postgresql',
      rabbitmq: '/var/lib/rabbitmq',
      mongo: '/data/db',
      redis: '/data',
    };
    for (const [resource, spec] of specs) {
      const target = expected[resource];
      if (target === undefined) {
        expect(spec.volume, resource).toBeUndefined();
        expect(spec.create.HostConfig?.Mounts, resource).toEqual([]);
        continue;
      }
      const name = `frank-${LAB}-${resource}-data`;
      expect(spec.volume).toEqual({ name, labels: { 'dev.frank.lab': LAB, 'dev.frank.resource': resource } });
      expect(spec.create.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: name, Target: target }]);
    }
    expect([...specs.keys()].filter((r) => specs.get(r)!.volume === undefined)).toEqual(['aws', 'toxiproxy', 'unleash']);
    // RabbitMQ names its node, and the node its data, after the host name: it must not change between containers.
    expect(specs.get('rabbitmq')!.create.Hostname).toBe('rabbitmq');
  });

  it('is pure: the same lab gives the same options', async () => {
    const topology = await repositoryLab();
    expect(containerSpecs(topology, testCredentials(), LAB)).toEqual(containerSpecs(topology, testCredentials(), LAB));
  });
});

describe('containerSpecs for the other engines frank.yaml allows', () => {
  const topology = (aws: string, mongo: string) =>
    parseTopology(`version: 1\nresources:\n  aws: { kind: aws, port: 4566, ${aws} }\n  docs: { kind: mongo, port: 27017, ${mongo} }\n`, 'frank.yaml');

  it('runs LocalStack when asked, with the auth token only when one is given', () => {
    const lab = topology('emulator: localstack, region: eu-west-1', 'engine: auto');
    const [withToken] = containerSpecs(lab, testCredentials(), LAB, { localstackAuthToken: 'ls-token' });
    const [withoutToken] = containerSpecs(lab, testCredentials(), LAB);
    expect(withToken!.image).toBe(IMAGES.localstack);
    expect(envOf(withToken!)).toEqual({ SERVICES: 'events,sqs', AWS_DEFAULT_REGION: 'eu-west-1', LOCALSTACK_AUTH_TOKEN: 'ls-token' });
    expect(envOf(withoutToken!)).not.toHaveProperty('LOCALSTACK_AUTH_TOKEN');
    expect(bindingsOf(withToken!)).toEqual([{ container: '4566/tcp', hostIp: '127.0.0.1', hostPort: '4566' }]);
  });

  it('runs FerretDB on SQLite when engine is ferretdb, without a health check (its image holds no program to run one)', () => {
    const [, docs] = containerSpecs(topology('emulator: moto', 'engine: ferretdb'), testCredentials(), LAB);
    expect(docs!.image).toBe(IMAGES.ferretdb);
    expect(envOf(docs!)).toMatchObject({ FERRETDB_HANDLER: 'sqlite', FERRETDB_SQLITE_URL: 'file:/state/', FERRETDB_LISTEN_ADDR: ':27017' });
    expect(docs!.create.Healthcheck).toBeUndefined();
    expect(docs!.create.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: `frank-${LAB}-docs-data`, Target: '/state' }]);
  });

  it('runs FerretDB on its PostgreSQL database when the mongo resource names one, as its own role, with no volume', () => {
    const lab = parseTopology(
      'version: 1\nresources:\n  infra: { kind: postgres, port: 5439, databases: { ferretdb: [] } }\n  docs: { kind: mongo, port: 27017, engine: ferretdb, postgres: infra, database: ferretdb }\n',
      'frank.yaml',
    );
    const credentials = testCredentials();
    credentials.databaseRoles.ferretdb = 'ferret pw';
    const docs = containerSpecs(lab, credentials, LAB).find((spec) => spec.image === IMAGES.ferretdb)!;
    expect(envOf(docs)).toMatchObject({
      FERRETDB_HANDLER: 'postgresql',
      FERRETDB_POSTGRESQL_URL: 'postgres://ferretdb:ferret%20pw@infra:5432/ferretdb',
      FERRETDB_LISTEN_ADDR: ':27017',
    });
    expect(envOf(docs)).not.toHaveProperty('FERRETDB_SQLITE_URL');
    expect(docs.create.HostConfig?.Mounts ?? []).toEqual([]);
  });

  it('runs mongod for engine auto and mongod', () => {
    for (const engine of ['auto', 'mongod']) {
      const [, docs] = containerSpecs(topology('emulator: moto', `engine: ${engine}`), testCredentials(), LAB);
      expect(docs!.image).toBe(IMAGES.mongo);
      expect(docs!.create.Cmd).toEqual(['mongod', '--bind_ip_all']);
    }
  });
});

describe('proxyRoute', () => {
  it('sends every link from inside the Toxiproxy container to its resource by name, at the port inside that container', async () => {
    const topology = await repositoryLab();
    const routes = topology.links.map((link) => ({ link: link.name, ...proxyRoute(link, topology) }));
    expect(routes).toContainEqual({ link: 'user.user-db', listen: `0.0.0.0:${8482 + OFFSET}`, upstream: 'user-db:5432' });
    expect(routes).toContainEqual({ link: 'bff.mongo', listen: `0.0.0.0:${8480 + OFFSET}`, upstream: 'mongo:27017' });
    expect(routes).toContainEqual({ link: 'payment-provider.aws', listen: `0.0.0.0:${8497 + OFFSET}`, upstream: 'aws:5000' });
    for (const link of topology.links) {
      const upstream = topology.resources.find((r) => r.name === link.resource)!;
      expect(proxyRoute(link, topology)).toEqual({ listen: `0.0.0.0:${link.listenPort}`, upstream: `${link.resource}:${containerPort(upstream)}` });
    }
  });
});
