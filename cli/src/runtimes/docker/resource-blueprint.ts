import { POSTGRES_LAB_SETTINGS } from '../native/postgres.js';
import type { AwsResource, Link, MongoResource, PostgresResource, Resource, Topology, UnleashResource } from '../../lab/lab-types.js';
import { unleashApiTokens } from '../unleash-tokens.js';
import type { ProxyRoute } from '../runtime.js';
import { IMAGES } from './images.js';

/**
 * What one resource's container is, whoever runs it: the docker runtime (container-spec.ts) and
 * compose/docker-compose.yml (compose/compose-file.ts) are both written from these blueprints, so
 * they cannot drift apart. Settings mirror the native runtime's (native/*.ts); only what a
 * container does differently (listening on its own interface, data in a volume) differs.
 */

/** Writes /data/redis.conf (0600) from REDISCLI_AUTH, then starts Redis through the image's entrypoint, as the redis user. */
export const REDIS_WITH_CONFIG_FILE =
  'umask 077 && printf \'requirepass "%s"\\n\' "$REDISCLI_AUTH" > /data/redis.conf && exec docker-entrypoint.sh redis-server /data/redis.conf --save "60 1" --appendonly no';

export interface Blueprint {
  resource: string;
  /** A resource's kind, or a tool of the `tools` profile (tool-blueprint.ts). */
  kind: Resource['kind'] | 'sonarqube';
  image: string;
  /** Arguments to the image's entrypoint; undefined keeps the image's own command. */
  command: string[] | undefined;
  env: Record<string, string>;
  /** The first one is the resource's own port (frank.yaml's `port`); toxiproxy adds one per link. */
  ports: PortMapping[];
  /** Where the image keeps its data; a named volume is mounted there. Undefined: state lives in memory. */
  dataPath: string | undefined;
  /** A stable host name: RabbitMQ names its node, and the node its data, after it. */
  hostname: string | undefined;
  healthcheck: HealthCheck | undefined;
  stopSignal: string | undefined;
}

export interface PortMapping {
  /** The port inside the container (on the lab's network). */
  container: number;
  /** The port published on the lab's host address: frank.yaml's, with the port offset applied. */
  host: number;
}

export interface HealthCheck {
  /** Docker's form: ["CMD", program, ...args] or ["CMD-SHELL", script]. */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  /** Failures during this period do not count against `retries`... */
  startPeriodMs: number;
  /** ...and the check runs this often during it, so a server that starts fast is healthy at once. */
  startIntervalMs: number;
}

/**
 * The secrets handed to the containers: the lab's generated credentials (docker runtime), or
 * `${VARIABLE:-default}` references that `docker compose` fills in (compose file).
 */
export interface ContainerSecrets {
  postgresUser: string;
  postgresPassword: string;
  rabbitmqUser: string;
  rabbitmqPassword: string;
  redisPassword: string;
  /** Passed to LocalStack when set (a pinned community tag needs none). */
  localstackAuthToken: string | undefined;
  /** Unleash's database role's password, and the secrets of its initial API tokens. */
  unleashDatabasePassword: string;
  unleashAdminSecret: string;
  unleashClientSecret: string;
  /** FerretDB's database role's password, when it stores in PostgreSQL. */
  ferretdbDatabasePassword: string;
}

/** The image that runs the resource. */
export function imageFor(resource: Resource): string {
  switch (resource.kind) {
    case 'postgres':
      return IMAGES.postgres;
    case 'rabbitmq':
      return IMAGES.rabbitmq;
    case 'mongo':
      // `auto` means mongod here: the image is always there to pull.
      return resource.engine === 'ferretdb' ? IMAGES.ferretdb : IMAGES.mongo;
    case 'redis':
      return IMAGES.redis;
    case 'aws':
      return resource.emulator === 'localstack' ? IMAGES.localstack : IMAGES.moto;
    case 'toxiproxy':
      return IMAGES.toxiproxy;
    case 'unleash':
      return IMAGES.unleash;
  }
}

/** The port each kind listens on inside its container: the image's own default. */
export function containerPort(resource: Resource): number {
  switch (resource.kind) {
    case 'postgres':
      return 5432;
    case 'rabbitmq':
      return 5672;
    case 'mongo':
      return 27017;
    case 'redis':
      return 6379;
    case 'aws':
      return resource.emulator === 'localstack' ? 4566 : 5000;
    case 'toxiproxy':
      return 8474;
    case 'unleash':
      return 4242;
  }
}

/** The same initdb options as the native runtime's template cluster. */
const POSTGRES_INITDB_ARGS = '--auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C --no-sync';

export const HEALTH = { intervalMs: 5_000, timeoutMs: 5_000, retries: 10, startPeriodMs: 60_000, startIntervalMs: 500 } as const;
/** Checks that start a CLI of their own (Erlang's, mongosh's node) take longer and cost more. */
export const SLOW_HEALTH = { ...HEALTH, timeoutMs: 10_000, startIntervalMs: 1_000 } as const;

export function blueprints(topology: Topology, secrets: ContainerSecrets): Blueprint[] {
  return topology.resources.map((resource) => blueprint(resource, topology, secrets));
}

export function blueprint(resource: Resource, topology: Topology, secrets: ContainerSecrets): Blueprint {
  const main: PortMapping = { container: containerPort(resource), host: resource.port };
  const base = { resource: resource.name, kind: resource.kind, image: imageFor(resource), ports: [main], hostname: undefined, stopSignal: undefined };
  switch (resource.kind) {
    case 'postgres':
      return {
        ...base,
        command: ['postgres', ...Object.entries(postgresSettings(resource)).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
        env: {
          POSTGRES_USER: secrets.postgresUser,
          POSTGRES_PASSWORD: secrets.postgresPassword,
          // The image would create a database named after the user; the lab's databases are provisioned by frank.
          POSTGRES_DB: 'postgres',
          POSTGRES_INITDB_ARGS,
        },
        // PostgreSQL 18 images keep PGDATA in a versioned folder below this one and refuse a volume on .../data.
        dataPath: '/var/lib/postgresql',
        // Over TCP: the entrypoint's temporary init server listens on the unix socket only, so this passes once the real server runs.
        healthcheck: { ...HEALTH, test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-p', String(main.container), '-U', secrets.postgresUser, '-d', 'postgres'] },
        // Fast shutdown, as natively: SIGTERM would wait for every client to leave.
        stopSignal: 'SIGINT',
      };
    case 'rabbitmq':
      return {
        ...base,
        command: undefined,
        env: { RABBITMQ_DEFAULT_USER: secrets.rabbitmqUser, RABBITMQ_DEFAULT_PASS: secrets.rabbitmqPassword },
        dataPath: '/var/lib/rabbitmq',
        hostname: resource.name,
        // Every listener accepts connections, not only "the node runs".
        healthcheck: { ...SLOW_HEALTH, test: ['CMD', 'rabbitmq-diagnostics', '-q', 'check_port_connectivity'] },
      };
    case 'mongo':
      return mongoBlueprint(resource, topology, base, secrets);
    case 'redis':
      return {
        ...base,
        // The password goes into a config file only the redis user reads (the image's entrypoint
        // hands /data to it), not onto redis-server's command line, which every `ps` on the host shows.
        command: ['sh', '-c', REDIS_WITH_CONFIG_FILE],
        // redis-cli reads the password from here, so the health check does not carry it; so does the command above.
        env: { REDISCLI_AUTH: secrets.redisPassword },
        dataPath: '/data',
        healthcheck: { ...HEALTH, test: ['CMD-SHELL', 'redis-cli ping | grep -q PONG'] },
      };
    case 'aws':
      return awsBlueprint(resource, base, secrets);
    case 'toxiproxy':
      return {
        ...base,
        ports: [main, ...topology.links.map((link) => ({ container: proxyListenPort(link), host: link.listenPort }))],
        command: ['-host=0.0.0.0', `-port=${main.container}`],
        env: {},
        dataPath: undefined,
        // The image is built from scratch: its own CLI is the only program in it that can ask.
        healthcheck: { ...HEALTH, test: ['CMD', '/toxiproxy-cli', 'list'] },
      };
    case 'unleash':
      return unleashBlueprint(resource, topology, base, secrets);
  }
}

/** The official image, with the same settings as natively (native/unleash.ts): its database on the lab's network. */
function unleashBlueprint(resource: UnleashResource, topology: Topology, base: BlueprintBase, secrets: ContainerSecrets): Blueprint {
  const server = topology.resources.find((r) => r.name === resource.postgres);
  const tokens = unleashApiTokens({ adminSecret: secrets.unleashAdminSecret, clientSecret: secrets.unleashClientSecret });
  const role = encodeURIComponent(resource.database);
  return {
    ...base,
    command: undefined,
    env: {
      DATABASE_URL: `postgres://${role}:${encodeURIComponent(secrets.unleashDatabasePassword)}@${resource.postgres}:${server ? containerPort(server) : 5432}/${resource.database}`,
      DATABASE_SSL: 'false',
      INIT_ADMIN_API_TOKENS: tokens.admin,
      INIT_BACKEND_API_TOKENS: tokens.client,
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      LOG_LEVEL: 'warn',
    },
    // Its state is in its database.
    dataPath: undefined,
    healthcheck: {
      ...SLOW_HEALTH,
      test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${containerPort(resource)}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    },
  };
}

type BlueprintBase = Pick<Blueprint, 'resource' | 'kind' | 'image' | 'ports' | 'hostname' | 'stopSignal'>;

function mongoBlueprint(resource: MongoResource, topology: Topology, base: BlueprintBase, secrets: ContainerSecrets): Blueprint {
  if (resource.engine === 'ferretdb') {
    const common = { FERRETDB_LISTEN_ADDR: `:${containerPort(resource)}`, FERRETDB_TELEMETRY: 'disable', FERRETDB_LOG_LEVEL: 'warn' };
    // The image holds nothing but the server: no program to check with. frank's own probe (a Mongo ping) is what counts.
    if (resource.postgres !== undefined && resource.database !== undefined) {
      const server = topology.resources.find((r) => r.name === resource.postgres);
      const role = encodeURIComponent(resource.database);
      return {
        ...base,
        command: undefined,
        env: {
          FERRETDB_HANDLER: 'postgresql',
          FERRETDB_POSTGRESQL_URL: `postgres://${role}:${encodeURIComponent(secrets.ferretdbDatabasePassword)}@${resource.postgres}:${server ? containerPort(server) : 5432}/${resource.database}`,
          ...common,
        },
        // Its documents are in its database.
        dataPath: undefined,
        healthcheck: undefined,
      };
    }
    return {
      ...base,
      command: undefined,
      env: { FERRETDB_HANDLER: 'sqlite', FERRETDB_SQLITE_URL: 'file:/state/', ...common },
      dataPath: '/state',
      healthcheck: undefined,
    };
  }
  // No credentials, as natively.
  return {
    ...base,
    command: ['mongod', '--bind_ip_all'],
    env: {},
    dataPath: '/data/db',
    healthcheck: { ...SLOW_HEALTH, test: ['CMD', 'mongosh', '--quiet', '--norc', '--eval', "db.adminCommand('ping').ok"] },
  };
}

function awsBlueprint(resource: AwsResource, base: BlueprintBase, secrets: ContainerSecrets): Blueprint {
  const port = containerPort(resource);
  if (resource.emulator === 'localstack') {
    return {
      ...base,
      command: undefined,
      env: {
        SERVICES: 'events,sqs',
        AWS_DEFAULT_REGION: resource.region,
        ...(secrets.localstackAuthToken ? { LOCALSTACK_AUTH_TOKEN: secrets.localstackAuthToken } : {}),
      },
      dataPath: undefined,
      healthcheck: { ...SLOW_HEALTH, test: ['CMD', 'curl', '-fsS', `http://127.0.0.1:${port}/_localstack/health`] },
    };
  }
  // moto keeps its state in memory, as natively; any access key is accepted.
  return {
    ...base,
    command: undefined,
    env: { PYTHONUNBUFFERED: '1' },
    dataPath: undefined,
    // Its port accepts connections (python is in the image; curl is not in every release). frank's probe makes the real EventBridge call.
    healthcheck: { ...HEALTH, test: ['CMD', 'python3', '-c', `import socket; socket.create_connection(('127.0.0.1', ${port}), 3).close()`] },
  };
}

function postgresSettings(resource: PostgresResource): Record<string, string> {
  const own = Object.entries(resource.settings ?? {}).map(([key, value]) => [key, typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)]);
  return { ...POSTGRES_LAB_SETTINGS, ...Object.fromEntries(own) };
}

/**
 * A proxy listens inside the Toxiproxy container on the same port as on the host, so a service in
 * a container reaches its link at `toxiproxy:<port>`: the same port as natively, only the host differs.
 */
export function proxyListenPort(link: Link): number {
  return link.listenPort;
}

/**
 * In the lab's network every container answers to its resource's name, and listens on its image's
 * port: so `user-db:5432`, not the host's `127.0.0.1:<port + offset>`.
 */
export function proxyRoute(link: Link, topology: Topology): ProxyRoute {
  const upstream = topology.resources.find((r) => r.name === link.resource);
  if (!upstream) throw new Error(`link ${link.name}: no resource named ${link.resource}`);
  return { listen: `0.0.0.0:${proxyListenPort(link)}`, upstream: `${upstream.name}:${containerPort(upstream)}` };
}
