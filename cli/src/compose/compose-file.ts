import { Document, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { Credentials } from '../lab/credentials.js';
import { startsAfter, type Resource, type Service, type Topology } from '../lab/topology.js';
import { LAB_LABEL, RESOURCE_LABEL } from '../runtimes/docker/docker-names.js';
import { blueprints, proxyRoute, type Blueprint, type ContainerSecrets, type HealthCheck } from '../runtimes/docker/resource-blueprint.js';
import { containerAddresses, serviceBlueprints, type ServiceBlueprint } from '../runtimes/docker/service-blueprint.js';
import { SONARQUBE_DATABASE, toolBlueprints, TOOLS_PROFILE, type ToolSecrets } from '../runtimes/docker/tool-blueprint.js';
import { contractOf, type ServiceContracts } from '../lab/service-contracts.js';
import { serviceEnvironment } from '../lab/service-env.js';

/**
 * compose/docker-compose.yml: the lab of frank.yaml for `docker compose`, written from the same
 * blueprints as the docker runtime's containers (same images, commands, settings, health checks,
 * volumes), at frank.yaml's own ports (no port offset). The lab's services run in the node image
 * with the repository mounted, their environment that of serviceEnvironment() with container host
 * names. Credentials are `${VARIABLE:-frank}` references that compose fills in from the
 * environment, never the lab's generated secrets.
 */
export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  networks: Record<string, { name: string; labels: Record<string, string> }>;
  volumes: Record<string, { labels: Record<string, string> }>;
  configs?: Record<string, { content: string }>;
}

export interface ComposeService {
  image: string;
  /** The lab's services are opt-in (`--profile services`): their databases, roles and migrations come from frank, not compose. */
  profiles?: string[];
  hostname?: string;
  user?: string;
  working_dir?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports: string[];
  volumes?: string[];
  configs?: { source: string; target: string }[];
  depends_on?: Record<string, { condition: 'service_healthy' | 'service_started' }>;
  healthcheck?: ComposeHealthcheck;
  stop_signal?: string;
  labels: Record<string, string>;
}

export interface ComposeHealthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
  start_interval: string;
}

/**
 * The environment variables compose reads the credentials from. A user name has a default; a
 * password or secret has none: `npx frank compose` generates them into compose/.env (0600), which
 * compose reads, and compose refuses to start without one.
 */
export interface ComposeVariable {
  variable: string;
  default?: string;
  /** Generated into compose/.env when it lacks it. */
  secret?: boolean;
}

export const COMPOSE_CREDENTIALS = {
  postgresUser: { variable: 'FRANK_PG_USER', default: 'frank' },
  postgresPassword: { variable: 'FRANK_PG_PASSWORD', secret: true },
  rabbitmqUser: { variable: 'FRANK_RABBITMQ_USER', default: 'frank' },
  rabbitmqPassword: { variable: 'FRANK_RABBITMQ_PASSWORD', secret: true },
  redisPassword: { variable: 'FRANK_REDIS_PASSWORD', secret: true },
  localstackAuthToken: { variable: 'LOCALSTACK_AUTH_TOKEN', default: '' },
  unleashDatabasePassword: { variable: 'FRANK_UNLEASH_DB_PASSWORD', secret: true },
  unleashAdminSecret: { variable: 'FRANK_UNLEASH_ADMIN_SECRET', secret: true },
  unleashClientSecret: { variable: 'FRANK_UNLEASH_CLIENT_SECRET', secret: true },
  ferretdbDatabasePassword: { variable: 'FRANK_FERRETDB_DB_PASSWORD', secret: true },
} as const satisfies Record<keyof ContainerSecrets, ComposeVariable>;

/** The secrets only the lab's services take. */
export const COMPOSE_SERVICE_SECRETS = {
  /** Every service's own database role: `frank up` creates the roles (compose does not). */
  databasePassword: { variable: 'FRANK_DB_PASSWORD', secret: true },
  jwtSecret: { variable: 'FRANK_JWT_SECRET', secret: true },
  awsSecretAccessKey: { variable: 'FRANK_AWS_SECRET_ACCESS_KEY', secret: true },
} as const satisfies Record<string, ComposeVariable>;

/** The secrets only the `tools` profile takes. */
export const COMPOSE_TOOL_SECRETS = {
  /** The `sonarqube` database's role: `frank up` creates it (compose does not). */
  sonarqubeDatabasePassword: { variable: 'FRANK_SONARQUBE_DB_PASSWORD', secret: true },
} as const satisfies Record<keyof ToolSecrets, ComposeVariable>;

export const COMPOSE_VARIABLES: Record<string, ComposeVariable> = { ...COMPOSE_CREDENTIALS, ...COMPOSE_SERVICE_SECRETS, ...COMPOSE_TOOL_SECRETS };

/** Where compose/docker-compose.yml mounts the repository from: compose resolves it against the file's folder. */
const REPOSITORY_FROM_COMPOSE = '..';

/** The value of `dev.frank.lab` in the compose lab: it is not one of frank's labs, so `frank down` leaves it alone. */
export const COMPOSE_LAB_ID = 'compose';
export const COMPOSE_PROJECT = 'frank';
const PROXIES_CONFIG = 'toxiproxy-proxies';
const PROXIES_PATH = '/config/toxiproxy.json';

export const COMPOSE_HEADER = [
  '# Generated from frank.yaml by `npx frank compose`: edit frank.yaml and run it again, not this file.',
  '# A test keeps this file equal to what the command writes.',
  '#',
  '# The lab of `npx frank up --runtime docker`, for those who prefer compose:',
  '#   docker compose -f compose/docker-compose.yml up -d --wait',
  '#   docker compose -f compose/docker-compose.yml down        # add -v to delete the data',
  '# Ports are those of frank.yaml, on 127.0.0.1. Credentials come from compose/.env, which `npx frank compose`',
  '# writes with generated passwords (mode 0600, never committed): FRANK_PG_PASSWORD, FRANK_RABBITMQ_PASSWORD,',
  '# FRANK_REDIS_PASSWORD, FRANK_UNLEASH_*; FRANK_PG_USER and FRANK_RABBITMQ_USER are "frank" when unset.',
  '# SonarQube is in the profile "tools" (`--profile tools up -d`), on infrastructure-db\'s sonarqube database with',
  '# its own role (FRANK_SONARQUBE_DB_PASSWORD); it needs about 2 GB of memory and vm.max_map_count >= 262144 on the host.',
  '# Toxiproxy starts with one proxy per service link. The databases, roles, schemas, exchanges, buses',
  '# and queues inside the servers are created by `frank up`, not by compose.',
  '# The lab\'s services are in the profile "services" (`--profile services up`), since their databases,',
  '# roles and migrations come from frank: they run in the node image with this repository mounted read-only at /lab, as the',
  '# user node, reaching their links through toxiproxy:<port> and each other by name, each given exactly the',
  '# settings its src/settings.ts declares. Their secrets come from compose/.env too: FRANK_DB_PASSWORD (their',
  '# database roles), FRANK_JWT_SECRET and FRANK_AWS_SECRET_ACCESS_KEY.',
  "# The mounted node_modules must be installed for Linux on the engine's CPU.",
  '',
].join('\n');

export function composeFile(topology: Topology, contracts: ServiceContracts): ComposeFile {
  const lab = atPortOffsetZero(topology);
  // Placeholders first, so that a literal `$` anywhere else can be escaped for compose before they become ${...}.
  const placeholders = Object.fromEntries(Object.keys(COMPOSE_CREDENTIALS).map((key) => [key, `\u0000${key}\u0000`])) as unknown as ContainerSecrets;
  const plans = blueprints(lab, placeholders);
  const healthChecked = new Set(plans.filter((p) => p.healthcheck).map((p) => p.resource));

  const services: Record<string, ComposeService> = {};
  const volumes: ComposeFile['volumes'] = {};
  let configs: ComposeFile['configs'];
  for (const plan of plans) {
    const service = composeService(plan, lab);
    if (plan.dataPath) volumes[volumeOf(plan)] = { labels: labels(plan.resource) };
    if (plan.kind === 'toxiproxy' && lab.links.length > 0) {
      const proxies = lab.links.map((link) => ({ name: link.name, ...proxyRoute(link, lab), enabled: true }));
      configs = { [PROXIES_CONFIG]: { content: `${JSON.stringify(proxies, null, 2)}\n` } };
      service.command = [...(service.command ?? []), `-config=${PROXIES_PATH}`];
      service.configs = [{ source: PROXIES_CONFIG, target: PROXIES_PATH }];
      // Its proxies point at these: it is ready when they are.
      const upstreams = lab.resources.map((r) => r.name).filter((name) => lab.links.some((link) => link.resource === name));
      service.depends_on = Object.fromEntries(upstreams.map((name) => [name, { condition: healthChecked.has(name) ? 'service_healthy' : 'service_started' }]));
    }
    // Unleash migrates its database as it starts, FerretDB stores in one: the database first.
    const resource = lab.resources.find((r) => r.name === plan.resource);
    // mongod (engine auto or mongod: the image is always there) stores nothing in PostgreSQL.
    const databases = resource && !(resource.kind === 'mongo' && resource.engine !== 'ferretdb') ? startsAfter(resource, lab) : [];
    if (databases.length > 0)
      service.depends_on = Object.fromEntries(databases.map((name) => [name, { condition: healthChecked.has(name) ? 'service_healthy' : 'service_started' }]));
    services[plan.resource] = reorder(service);
  }
  for (const plan of toolBlueprints(lab, { sonarqubeDatabasePassword: '\u0000sonarqubeDatabasePassword\u0000' })) {
    const server = lab.resources.find((r) => r.kind === 'postgres' && SONARQUBE_DATABASE in r.databases)!;
    services[plan.resource] = reorder({
      ...composeService(plan, lab),
      profiles: [TOOLS_PROFILE],
      depends_on: { [server.name]: { condition: healthChecked.has(server.name) ? 'service_healthy' : 'service_started' } },
    });
    volumes[volumeOf(plan)] = { labels: labels(plan.resource) };
  }
  const credentials = placeholderCredentials(lab, placeholders);
  const environmentOf = (service: Service) =>
    serviceEnvironment(service, lab, credentials, contractOf(contracts, service.name).described, {
      addresses: containerAddresses(lab),
      runtime: { NODE_ENV: 'development' },
    });
  for (const plan of serviceBlueprints(lab, environmentOf)) {
    services[plan.service] = reorder(composeLabService(plan, lab, healthChecked));
  }

  const file: ComposeFile = {
    name: COMPOSE_PROJECT,
    services,
    networks: { default: { name: `frank-${COMPOSE_LAB_ID}`, labels: { [LAB_LABEL]: COMPOSE_LAB_ID } } },
    volumes,
  };
  if (configs) file.configs = configs;
  return substitutePlaceholders(file);
}

/**
 * The compose file as text: the header, then YAML. Commands and health checks are written on one
 * line each; strings a YAML 1.1 reader would take for something else (`no`, `on`, `1:2`) are quoted.
 */
export function renderComposeFile(topology: Topology, contracts: ServiceContracts): string {
  const doc = new Document(composeFile(topology, contracts));
  visit(doc, {
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if ((key === 'command' || key === 'test') && isSeq(pair.value)) pair.value.flow = true;
    },
    Scalar(_key, node) {
      if (typeof node.value === 'string' && YAML_1_1_LOOKALIKE.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return COMPOSE_HEADER + doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Booleans of YAML 1.1 and numbers in base 60 (a `host:port:port` mapping looks like one). */
const YAML_1_1_LOOKALIKE = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[\d.]*:\d+(:\d+)*)$/;

function composeService(plan: Blueprint, lab: Topology): ComposeService {
  const service: ComposeService = {
    image: plan.image,
    ports: plan.ports.map((p) => `${lab.host}:${p.host}:${p.container}`),
    labels: labels(plan.resource),
  };
  if (plan.hostname) service.hostname = plan.hostname;
  if (plan.command) service.command = plan.command;
  if (Object.keys(plan.env).length > 0) service.environment = plan.env;
  if (plan.dataPath) service.volumes = [`${volumeOf(plan)}:${plan.dataPath}`];
  if (plan.healthcheck) service.healthcheck = composeHealthcheck(plan.healthcheck);
  if (plan.stopSignal) service.stop_signal = plan.stopSignal;
  return service;
}

/** The compose profile of the lab's services. */
export const SERVICES_PROFILE = 'services';

/** A lab service: the repository mounted read-only, started once Toxiproxy and what it uses are. */
function composeLabService(plan: ServiceBlueprint, lab: Topology, healthChecked: Set<string>): ComposeService {
  return {
    image: plan.image,
    profiles: [SERVICES_PROFILE],
    user: plan.user,
    working_dir: plan.sourcePath,
    command: plan.command,
    environment: plan.env,
    ports: plan.ports.map((p) => `${lab.host}:${p.host}:${p.container}`),
    volumes: [`${REPOSITORY_FROM_COMPOSE}:${plan.sourcePath}:ro`],
    depends_on: Object.fromEntries(plan.dependsOn.map((name) => [name, { condition: healthChecked.has(name) ? 'service_healthy' : 'service_started' }])),
    healthcheck: composeHealthcheck(plan.healthcheck),
    labels: labels(plan.service),
  };
}

/**
 * The lab's credentials as placeholders, for the services' environment. Those in URLs come out
 * percent-encoded (`%00name%00`); substitutePlaceholders() replaces both forms.
 */
function placeholderCredentials(lab: Topology, secrets: ContainerSecrets): Credentials {
  const placeholder = (key: keyof typeof COMPOSE_SERVICE_SECRETS) => `\u0000${key}\u0000`;
  const databases = lab.resources.flatMap((r) => (r.kind === 'postgres' ? Object.keys(r.databases) : []));
  return {
    admin: { user: secrets.postgresUser, password: secrets.postgresPassword },
    databaseRoles: Object.fromEntries(databases.map((database) => [database, placeholder('databasePassword')])),
    rabbitmq: { user: secrets.rabbitmqUser, password: secrets.rabbitmqPassword },
    redis: { password: secrets.redisPassword },
    // As the lab's credentials have it: the emulator takes any key id.
    aws: { accessKeyId: 'frank', secretAccessKey: placeholder('awsSecretAccessKey') },
    jwtSecret: placeholder('jwtSecret'),
    // compose gives its services none of the lab's own parts: the BFF's console answers 503 there.
    consoleToken: '',
    unleash: { adminSecret: secrets.unleashAdminSecret, clientSecret: secrets.unleashClientSecret, adminPassword: '' },
  };
}

const KEY_ORDER: (keyof ComposeService)[] = [
  'image',
  'profiles',
  'hostname',
  'user',
  'working_dir',
  'command',
  'environment',
  'ports',
  'volumes',
  'configs',
  'depends_on',
  'healthcheck',
  'stop_signal',
  'labels',
];

function reorder(service: ComposeService): ComposeService {
  return Object.fromEntries(KEY_ORDER.filter((key) => service[key] !== undefined).map((key) => [key, service[key]])) as unknown as ComposeService;
}

function composeHealthcheck(check: HealthCheck): ComposeHealthcheck {
  return {
    test: check.test,
    interval: duration(check.intervalMs),
    timeout: duration(check.timeoutMs),
    retries: check.retries,
    start_period: duration(check.startPeriodMs),
    start_interval: duration(check.startIntervalMs),
  };
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function volumeOf(plan: Blueprint): string {
  return `${plan.resource}-data`;
}

function labels(resource: string): Record<string, string> {
  return { [LAB_LABEL]: COMPOSE_LAB_ID, [RESOURCE_LABEL]: resource };
}

/**
 * Every `$` is doubled (compose would read it as a variable), then each placeholder, as it is or
 * percent-encoded in a URL, becomes `${VARIABLE:-default}`, or `${VARIABLE:?…}` for a secret.
 */
function substitutePlaceholders<T>(value: T): T {
  const text = JSON.stringify(value).replace(/\$/g, '$$$$');
  const replaced = Object.entries(COMPOSE_VARIABLES).reduce((out, [key, { variable, default: fallback }]) => {
    const reference = fallback === undefined ? `\${${variable}:?run npx frank compose to generate compose/.env}` : `\${${variable}:-${fallback}}`;
    const raw = JSON.stringify(`\u0000${key}\u0000`).slice(1, -1);
    return out
      .split(raw)
      .join(reference)
      .split(encodeURIComponent(`\u0000${key}\u0000`))
      .join(reference);
  }, text);
  return JSON.parse(replaced) as T;
}

/** The topology as frank.yaml declares it: compose publishes fixed ports, whatever offset frank was given. */
export function atPortOffsetZero(topology: Topology): Topology {
  const offset = topology.portOffset;
  if (offset === 0) return topology;
  const shift = (resource: Resource): Resource => {
    if (resource.kind === 'rabbitmq')
      return { ...resource, port: resource.port - offset, distPort: resource.distPort - offset, epmdPort: resource.epmdPort - offset };
    if (resource.kind === 'toxiproxy') return { ...resource, port: resource.port - offset, proxyPorts: resource.proxyPorts - offset };
    return { ...resource, port: resource.port - offset };
  };
  return {
    ...topology,
    portOffset: 0,
    resources: topology.resources.map(shift),
    services: topology.services.map((s) => ({ ...s, port: s.port - offset })),
    links: topology.links.map((l) => ({ ...l, listenPort: l.listenPort - offset, upstreamPort: l.upstreamPort - offset })),
  };
}
