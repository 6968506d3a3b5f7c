import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { composeCommand } from '../commands/compose.js';
import { addGlobalOptions } from '../commands/global-options.js';
import type { Credentials } from '../lab/credentials.js';
import { labPorts, loadTopology, parseTopology, type Topology } from '../lab/topology.js';
import { checkEnvironment } from '@frank/kit/settings';
import { contractOf, loadServiceContracts, type ServiceContracts } from '../lab/service-contracts.js';
import { containerSpecs, serviceContainerSpecs } from '../runtimes/docker/container-spec.js';
import { IMAGES } from '../runtimes/docker/images.js';
import { containerPort } from '../runtimes/docker/resource-blueprint.js';
import { composeFile, renderComposeFile, type ComposeFile } from './compose-file.js';
import { writeComposeEnv, writeComposeFile } from './write-compose-file.js';
import { containerEnvironments } from '../runtimes/docker/test-fixtures.js';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FRANK_YAML = path.join(REPOSITORY, 'frank.yaml');
const COMMITTED = path.join(REPOSITORY, 'compose', 'docker-compose.yml');

const repositoryLab = (portOffset?: number) => loadTopology(FRANK_YAML, { portOffset });

let contracts: ServiceContracts;
beforeAll(async () => {
  contracts = await loadServiceContracts(await repositoryLab());
}, 60_000);

/** How the compose file refers to a secret compose/.env holds. */
const secret = (variable: string) => `\${${variable}:?run npx frank compose to generate compose/.env}`;

/** The Compose Specification's JSON schema, as the dclint package ships it (schemas/compose.schema.json). */
function composeSpecSchema(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('dclint/package.json');
  } catch {
    throw new Error('The Compose Specification schema comes with the dclint package: npm install --save-dev dclint@3.1.0 -w cli');
  }
  return JSON.parse(readFileSync(path.join(path.dirname(manifest), 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
}

function validator() {
  // Not strict: Ajv's strict mode objects to the schema's own style (union types; draft-07 named by an https URL
  // it does not know), not to anything a compose file can do. Validation itself is the same.
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  return ajv.compile(composeSpecSchema());
}

interface PortMapping {
  hostIp: string;
  published: number;
  target: number;
}

function portsOf(file: ComposeFile, service: string): PortMapping[] {
  return (file.services[service]?.ports ?? []).map((spec) => {
    const [hostIp, published, target] = spec.split(':');
    return { hostIp: hostIp!, published: Number(published), target: Number(target) };
  });
}

describe('compose/docker-compose.yml', () => {
  it('is what `frank compose` writes from frank.yaml (run `npx frank compose` after changing frank.yaml)', async () => {
    expect(await readFile(COMMITTED, 'utf8')).toBe(renderComposeFile(await repositoryLab(), contracts));
  });

  it('is valid against the Compose Specification schema', async () => {
    const validate = validator();
    const committed = parse(await readFile(COMMITTED, 'utf8')) as unknown;
    const valid = validate(committed);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would be caught by the schema if it were wrong (the check checks)', async () => {
    const validate = validator();
    const file = structuredClone(composeFile(await repositoryLab(), contracts)) as unknown as { services: Record<string, Record<string, unknown>> };
    file.services['user-db']!.healthcheck = { test: ['CMD', 'true'], start_intervall: '1s' };
    expect(validate(file)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/services/user-db/healthcheck', keyword: 'additionalProperties' });
  });

  it('has one service per resource and per lab service of frank.yaml and nothing else', async () => {
    const topology = await repositoryLab();
    const committed = parse(await readFile(COMMITTED, 'utf8')) as ComposeFile;
    // SonarQube: the tools profile, on infrastructure-db's sonarqube database.
    expect(Object.keys(committed.services)).toEqual([...topology.resources.map((r) => r.name), 'sonarqube', ...topology.services.map((s) => s.name)]);
  });

  it("publishes frank.yaml's ports on 127.0.0.1, each to the port inside its container", async () => {
    const topology = await repositoryLab();
    const committed = parse(await readFile(COMMITTED, 'utf8')) as ComposeFile;
    for (const resource of topology.resources) {
      expect(portsOf(committed, resource.name)[0], resource.name).toEqual({ hostIp: '127.0.0.1', published: resource.port, target: containerPort(resource) });
    }
    const toxiproxy = portsOf(committed, 'toxiproxy');
    expect(toxiproxy.slice(1)).toEqual(topology.links.map((link) => ({ hostIp: '127.0.0.1', published: link.listenPort, target: link.listenPort })));
    for (const service of topology.services) {
      expect(portsOf(committed, service.name), service.name).toEqual([{ hostIp: '127.0.0.1', published: service.port, target: service.port }]);
    }
    // Every lab port but RabbitMQ's Erlang distribution port, which stays inside its container.
    const published = Object.keys(committed.services).flatMap((name) => portsOf(committed, name).map((p) => `${name} ${p.published}`));
    const expected = labPorts(topology)
      .filter((p) => !p.owner.includes('Erlang'))
      .map((p) => `${p.resource} ${p.port}`)
      .concat('sonarqube 9000');
    expect(published.sort()).toEqual(expected.sort());
  });

  it('starts Toxiproxy once every resource a service link goes to is healthy, and with one proxy per link', async () => {
    const topology = await repositoryLab();
    const committed = parse(await readFile(COMMITTED, 'utf8')) as ComposeFile;
    const linked = new Set(topology.services.flatMap((s) => s.uses));
    expect(Object.keys(committed.services.toxiproxy!.depends_on ?? {}).sort()).toEqual([...linked].sort());
    expect(new Set(Object.values(committed.services.toxiproxy!.depends_on ?? {}).map((d) => d.condition))).toEqual(new Set(['service_healthy']));
    const labServices = new Set(topology.services.map((s) => s.name));
    for (const [name, service] of Object.entries(committed.services)) {
      // Unleash migrates its database as it starts: it waits for it.
      if (name === 'unleash' || name === 'sonarqube') expect(service.depends_on, name).toEqual({ 'infrastructure-db': { condition: 'service_healthy' } });
      else if (name !== 'toxiproxy' && !labServices.has(name)) expect(service.depends_on, name).toBeUndefined();
      // A condition of service_healthy needs a health check to wait for.
      expect(service.healthcheck, name).toBeDefined();
    }

    const proxies = JSON.parse(committed.configs!['toxiproxy-proxies']!.content) as { name: string; listen: string; upstream: string; enabled: boolean }[];
    expect(proxies.map((p) => p.name)).toEqual(topology.links.map((l) => l.name));
    expect(proxies.find((p) => p.name === 'order.order-db')).toEqual({
      name: 'order.order-db',
      listen: '0.0.0.0:8487',
      upstream: 'order-db:5432',
      enabled: true,
    });
    expect(committed.services.toxiproxy!.command).toContain('-config=/config/toxiproxy.json');
    expect(committed.services.toxiproxy!.configs).toEqual([{ source: 'toxiproxy-proxies', target: '/config/toxiproxy.json' }]);
  });

  it('keeps the data of the stateful resources in labelled volumes', async () => {
    const committed = parse(await readFile(COMMITTED, 'utf8')) as ComposeFile;
    expect(committed.services['order-db']!.volumes).toEqual(['order-db-data:/var/lib/postgresql']);
    expect(committed.volumes['order-db-data']).toEqual({ labels: { 'dev.frank.lab': 'compose', 'dev.frank.resource': 'order-db' } });
    expect(Object.keys(committed.volumes)).toHaveLength(11);
    expect(committed.services.aws!.volumes).toBeUndefined();
    expect(committed.networks.default).toEqual({ name: 'frank-compose', labels: { 'dev.frank.lab': 'compose' } });
  });

  it('takes credentials from compose/.env: user names have a default, passwords and secrets none', async () => {
    const committed = parse(await readFile(COMMITTED, 'utf8')) as ComposeFile;
    expect(committed.services['user-db']!.environment).toMatchObject({
      POSTGRES_USER: '${FRANK_PG_USER:-frank}',
      POSTGRES_PASSWORD: secret('FRANK_PG_PASSWORD'),
    });
    expect(committed.services.rabbitmq!.environment).toEqual({
      RABBITMQ_DEFAULT_USER: '${FRANK_RABBITMQ_USER:-frank}',
      RABBITMQ_DEFAULT_PASS: secret('FRANK_RABBITMQ_PASSWORD'),
    });
    // Redis's password is not on its command line: the command writes it into a 0600 config file from the environment.
    expect(JSON.stringify(committed.services.redis!.command)).not.toContain('FRANK_REDIS_PASSWORD');
    expect(committed.services.redis!.environment).toEqual({ REDISCLI_AUTH: secret('FRANK_REDIS_PASSWORD') });
    // Every `$` in the file starts one of these references, or is a literal one written `$$` (the shell's, in Redis's command).
    const text = await readFile(COMMITTED, 'utf8');
    expect(text.replaceAll('$$REDISCLI_AUTH', '').match(/\$[^{]|\$$/g)).toBeNull();
    expect(new Set(text.match(/\$\{[A-Z_]+:[-?][^}]*\}/g))).toEqual(
      new Set([
        '${FRANK_PG_USER:-frank}',
        '${FRANK_RABBITMQ_USER:-frank}',
        ...[
          'FRANK_PG_PASSWORD',
          'FRANK_RABBITMQ_PASSWORD',
          'FRANK_REDIS_PASSWORD',
          'FRANK_UNLEASH_DB_PASSWORD',
          'FRANK_UNLEASH_ADMIN_SECRET',
          'FRANK_UNLEASH_CLIENT_SECRET',
          'FRANK_DB_PASSWORD',
          'FRANK_JWT_SECRET',
          'FRANK_AWS_SECRET_ACCESS_KEY',
          'FRANK_SONARQUBE_DB_PASSWORD',
        ].map(secret),
      ]),
    );
  });
});

describe("compose/docker-compose.yml's lab services", () => {
  const committedFile = async () => parse(await readFile(COMMITTED, 'utf8')) as ComposeFile;

  it('run the pinned node image as the non-root user node, with the repository mounted read-only at /lab, as natively', async () => {
    const topology = await repositoryLab();
    const committed = await committedFile();
    for (const { name } of topology.services) {
      const service = committed.services[name]!;
      expect(service.image, name).toBe(IMAGES.node);
      expect(service.user, name).toBe('node');
      expect(service.working_dir, name).toBe('/lab');
      expect(service.command, name).toEqual(['node', '--import', 'tsx', `services/${name}/src/main.ts`]);
      expect(service.volumes, name).toEqual(['..:/lab:ro']);
      expect(service.labels, name).toEqual({ 'dev.frank.lab': 'compose', 'dev.frank.resource': name });
      // Opt-in: `up -d --wait` alone brings the servers; frank creates what the services need inside them.
      expect(service.profiles, name).toEqual(['services']);
    }
    for (const resource of topology.resources) expect(committed.services[resource.name]!.profiles, resource.name).toBeUndefined();
    // `..` is resolved against compose/: the repository, where every entry point is.
    expect(path.resolve(path.dirname(COMMITTED), '..')).toBe(REPOSITORY);
    for (const { name } of topology.services) expect(readFileSync(path.join(REPOSITORY, 'services', name, 'src', 'main.ts'), 'utf8'), name).toContain('main(');
  });

  it('reach their links through toxiproxy:<proxy port> and each other by name, never 127.0.0.1', async () => {
    const topology = await repositoryLab();
    const committed = await committedFile();
    for (const service of topology.services) {
      const env = committed.services[service.name]!.environment!;
      expect(JSON.stringify(env), service.name).not.toMatch(/127\.0\.0\.1|localhost/);
      expect(env).toMatchObject({ HOST: '0.0.0.0', PORT: String(service.port), NODE_ENV: 'development' });
      // The settings contract: every setting the service requires, and nothing it does not read.
      expect(checkEnvironment(contractOf(contracts, service.name).described, Object.keys(env)), service.name).toEqual([]);
      for (const setting of contractOf(contracts, service.name).described) {
        if (setting.source.from !== 'service') continue;
        const other = topology.services.find((o) => o.name === (setting.source as { service: string }).service)!;
        expect(env[setting.name], `${service.name} ${setting.name}`).toBe(`http://${other.name}:${other.port}`);
      }
      for (const link of topology.links.filter((l) => l.service === service.name)) {
        expect(
          Object.values(env).some((value) => value.includes(`@toxiproxy:${link.listenPort}`) || value.includes(`//toxiproxy:${link.listenPort}`)),
          link.name,
        ).toBe(true);
      }
    }
    const env = (name: string) => committed.services[name]!.environment!;
    expect(env('order').DATABASE_URL).toBe(`postgres://order_service:${secret('FRANK_DB_PASSWORD')}@toxiproxy:8487/order_service`);
    expect(env('order').AMQP_URL).toBe(`amqp://\${FRANK_RABBITMQ_USER:-frank}:${secret('FRANK_RABBITMQ_PASSWORD')}@toxiproxy:8488`);
    expect(env('order').INVENTORY_URL).toBe('http://inventory:3002');
    expect(env('bff')).toMatchObject({
      MONGO_URL: 'mongodb://toxiproxy:8480/?directConnection=true',
      REDIS_URL: `redis://:${secret('FRANK_REDIS_PASSWORD')}@toxiproxy:8481`,
    });
    // The token secret reaches only the services that sign or verify tokens.
    expect(
      topology.services
        .filter((s) => 'JWT_SECRET' in env(s.name))
        .map((s) => s.name)
        .sort(),
    ).toEqual(['bff', 'order', 'user']);
    expect(env('user').JWT_SECRET).toBe(secret('FRANK_JWT_SECRET'));
    expect(env('payment-provider')).toMatchObject({
      AWS_ENDPOINT_URL: 'http://toxiproxy:8497',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'frank',
      AWS_SECRET_ACCESS_KEY: secret('FRANK_AWS_SECRET_ACCESS_KEY'),
      PROVIDER_LATENCY_MS: '20',
    });
    expect(env('notification')).toMatchObject({ CHANNEL_FAILURE_RATE: '0', NOTIFICATION_MAX_ATTEMPTS: '3' });
    // The proxy a service is sent to listens there, and forwards to the resource the link names.
    const proxies = JSON.parse(committed.configs!['toxiproxy-proxies']!.content) as { name: string; listen: string; upstream: string }[];
    expect(proxies.find((p) => p.listen === '0.0.0.0:8487')).toMatchObject({ name: 'order.order-db', upstream: 'order-db:5432' });
  });

  it('start once Toxiproxy and every resource they use are healthy', async () => {
    const topology = await repositoryLab();
    const committed = await committedFile();
    for (const service of topology.services) {
      const expected = Object.fromEntries(['toxiproxy', ...service.uses].map((name) => [name, { condition: 'service_healthy' }]));
      expect(committed.services[service.name]!.depends_on, service.name).toEqual(expected);
    }
  });

  it("are healthy when their /health/ready answers, asked with node's fetch (the image has no curl)", async () => {
    const topology = await repositoryLab();
    const committed = await committedFile();
    for (const service of topology.services) {
      const check = committed.services[service.name]!.healthcheck!;
      expect(check.test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(check.test[3]).toBe(`fetch('http://127.0.0.1:${service.port}/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`);
      expect(check).toMatchObject({ start_interval: '1s', start_period: '60s' });
    }
  });
});

describe('composeFile', () => {
  it("runs SonarQube in the profile tools only, on infrastructure-db's sonarqube database with its own role", async () => {
    const file = composeFile(await repositoryLab(), contracts);
    expect(file.services.sonarqube).toMatchObject({
      image: IMAGES.sonarqube,
      profiles: ['tools'],
      environment: {
        SONAR_JDBC_URL: 'jdbc:postgresql://infrastructure-db:5432/sonarqube',
        SONAR_JDBC_USERNAME: 'sonarqube',
        SONAR_JDBC_PASSWORD: '${FRANK_SONARQUBE_DB_PASSWORD:?run npx frank compose to generate compose/.env}',
      },
      ports: ['127.0.0.1:9000:9000'],
      volumes: ['sonarqube-data:/opt/sonarqube/data'],
      depends_on: { 'infrastructure-db': { condition: 'service_healthy' } },
    });
    expect(IMAGES.sonarqube).toMatch(/^sonarqube:\d+\.\d+\.\d+-community$/);
    // Without a sonarqube database there is nothing for it to run on.
    const bare = parseTopology('version: 1\nresources:\n  db: { kind: postgres, port: 5432, databases: { app: [] } }\n', 'frank.yaml');
    expect(composeFile(bare, contracts).services).not.toHaveProperty('sonarqube');
  });

  it('runs the same images, commands, environment, health checks and volumes as the docker runtime', async () => {
    const topology = await repositoryLab();
    // Credentials that read like compose's references make the two directly comparable.
    const references: Credentials = {
      admin: { user: '${FRANK_PG_USER:-frank}', password: secret('FRANK_PG_PASSWORD') },
      databaseRoles: { unleash: secret('FRANK_UNLEASH_DB_PASSWORD') },
      rabbitmq: { user: '${FRANK_RABBITMQ_USER:-frank}', password: secret('FRANK_RABBITMQ_PASSWORD') },
      redis: { password: secret('FRANK_REDIS_PASSWORD') },
      aws: { accessKeyId: 'frank', secretAccessKey: 'unused' },
      jwtSecret: 'unused',
      consoleToken: 'unused',
      unleash: { adminSecret: secret('FRANK_UNLEASH_ADMIN_SECRET'), clientSecret: secret('FRANK_UNLEASH_CLIENT_SECRET'), adminPassword: 'unused' },
    };
    const file = composeFile(topology, contracts);
    for (const spec of containerSpecs(topology, references, 'lab')) {
      const service = file.services[spec.resource]!;
      expect(service.image, spec.resource).toBe(spec.create.Image);
      // compose writes a literal `$` (the shell's, in Redis's command) as `$$`.
      if (spec.resource !== 'toxiproxy')
        expect(
          service.command?.map((part) => part.replaceAll('$$', '$')),
          spec.resource,
        ).toEqual(spec.create.Cmd);
      // A reference inside a URL (Unleash's database) is percent-encoded in the docker runtime's form.
      expect(
        Object.entries(service.environment ?? {}).map(([k, v]) => `${k}=${v}`),
        spec.resource,
      ).toEqual(spec.create.Env?.map((entry) => decodeURIComponent(entry)));
      expect(service.healthcheck?.test, spec.resource).toEqual(spec.create.Healthcheck?.Test);
      expect(service.volumes?.[0]?.split(':')[1], spec.resource).toBe(spec.create.HostConfig?.Mounts?.[0]?.Target);
      expect(service.hostname, spec.resource).toBe(spec.create.Hostname);
    }
    for (const spec of serviceContainerSpecs(topology, 'lab', containerEnvironments(topology, references, contracts))) {
      const service = file.services[spec.resource]!;
      expect(service.image, spec.resource).toBe(spec.create.Image);
      expect(service.command, spec.resource).toEqual(spec.create.Cmd);
      expect(service.user, spec.resource).toBe(spec.create.User);
      expect(service.working_dir, spec.resource).toBe(spec.create.WorkingDir);
      expect(service.volumes, spec.resource).toEqual([`..:${spec.create.HostConfig!.Mounts![0]!.Target}:ro`]);
      expect(service.healthcheck?.test, spec.resource).toEqual(spec.create.Healthcheck?.Test);
      // The same variables; the values differ only where the runtime has generated secrets (percent-encoded in URLs).
      expect(Object.keys(service.environment ?? {}), spec.resource).toEqual((spec.create.Env ?? []).map((pair) => pair.slice(0, pair.indexOf('='))));
    }
  });

  it('uses the ports of frank.yaml whatever port offset frank was given', async () => {
    expect(composeFile(await repositoryLab(500), contracts)).toEqual(composeFile(await repositoryLab(0), contracts));
    expect(renderComposeFile(await repositoryLab(500), contracts)).toBe(renderComposeFile(await repositoryLab(0), contracts));
  });

  it('escapes a literal $ from frank.yaml so compose does not read it as a variable', () => {
    const topology = parseTopology(
      'version: 1\nresources:\n  db: { kind: postgres, port: 5432, databases: {}, settings: { search_path: \'"$user", public\' } }\n',
      'frank.yaml',
    );
    const file = composeFile(topology, contracts);
    expect(file.services.db!.command).toContain('search_path="$$user", public');
    expect(file.services.db!.environment?.POSTGRES_PASSWORD).toBe(secret('FRANK_PG_PASSWORD'));
  });

  it('waits only for a start, not a health check, when an upstream has none (FerretDB)', () => {
    const topology = parseTopology(
      'version: 1\nresources:\n  docs: { kind: mongo, port: 27017, engine: ferretdb }\n  cache: { kind: redis, port: 6379 }\n  toxiproxy: { kind: toxiproxy, port: 8474, proxyPorts: 8480 }\nservices:\n  bff: { port: 3000, uses: [docs, cache] }\n',
      'frank.yaml',
    );
    expect(composeFile(topology, contracts).services.toxiproxy!.depends_on).toEqual({
      docs: { condition: 'service_started' },
      cache: { condition: 'service_healthy' },
    });
    expect(validator()(composeFile(topology, contracts))).toBe(true);
  });

  it('starts FerretDB after the PostgreSQL it stores in, with its role in its URL; mongod waits for nothing', () => {
    const lab = (engine: string) =>
      parseTopology(
        `version: 1\nresources:\n  infra: { kind: postgres, port: 5439, databases: { ferretdb: [] } }\n  docs: { kind: mongo, port: 27017, engine: ${engine}, postgres: infra, database: ferretdb }\n`,
        'frank.yaml',
      );
    const ferret = composeFile(lab('ferretdb'), contracts).services.docs!;
    expect(ferret.depends_on).toEqual({ infra: { condition: 'service_healthy' } });
    expect(ferret.environment?.FERRETDB_POSTGRESQL_URL).toBe(`postgres://ferretdb:${secret('FRANK_FERRETDB_DB_PASSWORD')}@infra:5432/ferretdb`);
    expect(composeFile(lab('auto'), contracts).services.docs!.depends_on).toBeUndefined();
    expect(validator()(composeFile(lab('ferretdb'), contracts))).toBe(true);
  });

  it('writes no proxies config for a lab without links', () => {
    const topology = parseTopology('version: 1\nresources:\n  cache: { kind: redis, port: 6379 }\n', 'frank.yaml');
    const file = composeFile(topology, contracts);
    expect(file.configs).toBeUndefined();
    expect(Object.keys(file.services)).toEqual(['cache']);
    expect(validator()(file)).toBe(true);
  });

  it('quotes what a YAML 1.1 reader would take for a boolean or a number', async () => {
    const text = renderComposeFile(await repositoryLab(), contracts);
    expect(text).toContain('- "127.0.0.1:5432:5432"');
    expect(text).toContain('PYTHONUNBUFFERED: "1"');
    expect(text.startsWith('# Generated from frank.yaml by `npx frank compose`')).toBe(true);
  });
});

describe('writeComposeFile', () => {
  it('writes compose/docker-compose.yml beside frank.yaml, and leaves an up-to-date file alone', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'frank-compose-'));
    try {
      const topology: Topology = { ...(await repositoryLab()), root, file: path.join(root, 'frank.yaml') };
      expect(await writeComposeFile(topology, contracts)).toEqual({ file: path.join(root, 'compose', 'docker-compose.yml'), changed: true });
      expect(await readFile(path.join(root, 'compose', 'docker-compose.yml'), 'utf8')).toBe(renderComposeFile(topology, contracts));
      expect(await writeComposeFile(topology, contracts)).toEqual({ file: path.join(root, 'compose', 'docker-compose.yml'), changed: false });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('writeComposeEnv', () => {
  it('generates every secret the compose file requires into compose/.env (0600), and keeps what it already holds', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'frank-compose-env-'));
    try {
      const topology: Topology = { ...(await repositoryLab()), root, file: path.join(root, 'frank.yaml') };
      const required = [...new Set([...renderComposeFile(topology, contracts).matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!))].sort();
      const first = await writeComposeEnv(topology);
      // Every secret compose may need: FerretDB's is there for `engine: ferretdb` (mongod needs none).
      expect(first.added).toEqual(expect.arrayContaining(required));
      expect(first.added.filter((v) => !required.includes(v))).toEqual(['FRANK_FERRETDB_DB_PASSWORD']);
      const file = path.join(root, 'compose', '.env');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const text = await readFile(file, 'utf8');
      for (const variable of first.added) expect(text).toMatch(new RegExp(`^${variable}=[A-Za-z0-9]{32}$`, 'm'));
      // No default password anywhere in the file compose reads.
      expect(renderComposeFile(topology, contracts)).not.toMatch(/PASSWORD:-|SECRET[A-Z_]*:-/);
      await writeFile(file, text.replace(/^FRANK_JWT_SECRET=.*\n/m, ''));
      const second = await writeComposeEnv(topology);
      expect(second.added).toEqual(['FRANK_JWT_SECRET']);
      const after = await readFile(file, 'utf8');
      expect(after.match(/^FRANK_PG_PASSWORD=.*$/m)![0]).toBe(text.match(/^FRANK_PG_PASSWORD=.*$/m)![0]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('frank compose', () => {
  async function run(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    const program = addGlobalOptions(new Command('frank').exitOverride()).addCommand(composeCommand().exitOverride());
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      await program.parseAsync(['node', 'frank', ...args]);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    return { stdout, stderr };
  }

  it('--stdout prints the committed file and writes nothing', async () => {
    const { stdout, stderr } = await run('--config', FRANK_YAML, 'compose', '--stdout');
    expect(stderr).toBe('');
    expect(stdout).toBe(await readFile(COMMITTED, 'utf8'));
  });

  it('writes compose/docker-compose.yml beside the frank.yaml it is given, and says so', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'frank-compose-'));
    try {
      await copyFile(FRANK_YAML, path.join(root, 'frank.yaml'));
      const first = await run('--config', path.join(root, 'frank.yaml'), 'compose');
      expect(first.stderr).toMatch(
        /^Wrote .*compose\/docker-compose\.yml \(13 resources and 12 lab services\)\.\nGenerated FRANK_PG_PASSWORD, .* into .*compose\/\.env \(mode 0600, ignored by git\)\.\n$/,
      );
      expect(await readFile(path.join(root, 'compose', 'docker-compose.yml'), 'utf8')).toBe(await readFile(COMMITTED, 'utf8'));
      const again = await run('--config', path.join(root, 'frank.yaml'), '--json', 'compose');
      expect(again.stderr).toMatch(/is up to date\.\n.*compose\/\.env holds every secret compose needs\.\n$/);
      expect(JSON.parse(again.stdout)).toEqual({
        file: path.join(root, 'compose', 'docker-compose.yml'),
        changed: false,
        envFile: path.join(root, 'compose', '.env'),
        generated: [],
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
