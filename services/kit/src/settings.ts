import { z } from 'zod';

/**
 * A service's configuration contract: each setting it reads from its environment, declared once
 * with its schema and where a launcher finds its value. The service reads its settings through
 * it (`readSettings`), and every launcher (the lab's native and Docker runtimes, compose, the ECS
 * task definitions) gives exactly what it declares: `describeSettings` is what they check against.
 */
export type SettingSource =
  /** Where it listens: every launcher sets both. */
  | { from: 'listen'; part: 'host' | 'port' }
  /** The URL of what it `uses` (frank.yaml), with its credentials: one resource of that kind. */
  | { from: 'dependency'; kind: DependencyKind }
  /** The AWS API, when it `uses` the aws resource: on AWS the region alone (the task role signs). */
  | { from: 'aws'; part: AwsPart }
  /** The base URL of another service of the lab. */
  | { from: 'service'; service: string }
  /** A secret of the lab (generated per lab; Secrets Manager on AWS). */
  | { from: 'secret'; secret: LabSecret }
  /** Something only the local lab has (the frank CLI for the lab console, its per-lab token, the storefront's build). */
  | { from: 'lab'; part: LabPart }
  /** Unleash, when it `uses` the unleash resource: its client API and the lab's client token. */
  | { from: 'flags'; part: FlagsPart }
  /** A tuning knob: frank.yaml's `env:` of the service, else its default. */
  | { from: 'tunable' }
  /** Set by whoever runs the process, when at all (NODE_ENV, LOG_LEVEL). */
  | { from: 'runtime' };

export type DependencyKind = 'postgres' | 'rabbitmq' | 'mongo' | 'redis';
export type AwsPart = 'region' | 'endpoint' | 'access-key-id' | 'secret-access-key';
export type FlagsPart = 'url' | 'token';
export type LabSecret = 'jwt';
export type LabPart = 'frank-cli' | 'frank-config' | 'web-dist' | 'console-token';

export interface Setting<T extends z.ZodType = z.ZodType> {
  readonly schema: T;
  readonly source: SettingSource;
  readonly description: string;
}

export type SettingsShape = Record<string, Setting>;
export type SettingValues<S extends SettingsShape> = { [K in keyof S]: z.output<S[K]['schema']> };

/** What a launcher checks against: one line per setting. */
export interface SettingDescription {
  name: string;
  source: SettingSource;
  required: boolean;
  /** Holds a credential: a secret on ECS, never an environment value. */
  sensitive: boolean;
  description: string;
}

/** The variable a source must be read from: the names are fixed, so that every launcher agrees without a table. */
export const DEPENDENCY_VARIABLE: Record<DependencyKind, string> = { postgres: 'DATABASE_URL', rabbitmq: 'AMQP_URL', mongo: 'MONGO_URL', redis: 'REDIS_URL' };
export const AWS_VARIABLE: Record<AwsPart, string> = {
  region: 'AWS_REGION',
  endpoint: 'AWS_ENDPOINT_URL',
  'access-key-id': 'AWS_ACCESS_KEY_ID',
  'secret-access-key': 'AWS_SECRET_ACCESS_KEY',
};
export const FLAGS_VARIABLE: Record<FlagsPart, string> = { url: 'UNLEASH_URL', token: 'UNLEASH_TOKEN' };
export const SECRET_VARIABLE: Record<LabSecret, string> = { jwt: 'JWT_SECRET' };
export const LAB_VARIABLE: Record<LabPart, string> = {
  'frank-cli': 'FRANK_CLI',
  'frank-config': 'FRANK_CONFIG',
  'web-dist': 'WEB_DIST_DIR',
  'console-token': 'FRANK_CONSOLE_TOKEN',
};

/** `payment-provider` → `PAYMENT_PROVIDER_URL`. */
export function serviceUrlVariable(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

const url = () => z.url();
const text = () => z.string().min(1);

function declare<T extends z.ZodType>(schema: T, source: SettingSource, description: string): Setting<T> {
  return { schema, source, description };
}

/** Declares settings, one helper per kind of source. */
export const setting = {
  /** Its own database: its own role on it (DATABASE_URL). */
  database: (description = 'its own role on its own database') => declare(text(), { from: 'dependency', kind: 'postgres' }, description),
  broker: (description = 'RabbitMQ') => declare(text(), { from: 'dependency', kind: 'rabbitmq' }, description),
  documents: (description = 'the Mongo read-side store') => declare(text(), { from: 'dependency', kind: 'mongo' }, description),
  optionalDocuments: (description = 'the Mongo read-side store') => declare(text().optional(), { from: 'dependency', kind: 'mongo' }, description),
  optionalCache: (description = 'the Redis read-side cache') => declare(text().optional(), { from: 'dependency', kind: 'redis' }, description),
  service: (service: string, description = `${service}-service`) => declare(url(), { from: 'service', service }, description),
  optionalService: (service: string, description = `${service}-service`) => declare(url().optional(), { from: 'service', service }, description),
  secret: <T extends z.ZodType>(secret: LabSecret, schema: T, description: string) => declare(schema, { from: 'secret', secret }, description),
  lab: (part: LabPart, description: string) => declare(text().optional(), { from: 'lab', part }, description),
  tunable: <T extends z.ZodType>(schema: T, description: string) => declare(schema, { from: 'tunable' }, description),
};

/** The AWS API, for a service that `uses` the aws resource. */
export const awsSettings = {
  AWS_REGION: declare(text(), { from: 'aws', part: 'region' }, 'the AWS region'),
  AWS_ENDPOINT_URL: declare(url().optional(), { from: 'aws', part: 'endpoint' }, 'the AWS emulator (the lab only)'),
  AWS_ACCESS_KEY_ID: declare(text().optional(), { from: 'aws', part: 'access-key-id' }, "the emulator's key id (the lab only; on AWS the task role signs)"),
  AWS_SECRET_ACCESS_KEY: declare(text().optional(), { from: 'aws', part: 'secret-access-key' }, "the emulator's secret key (the lab only)"),
};

/**
 * Unleash's client API, for a service that `uses` the unleash resource and reads feature flags
 * (the kit's `flags`). Both optional: without them every flag reads its declared default.
 */
export const flagSettings = {
  UNLEASH_URL: declare(url().optional(), { from: 'flags', part: 'url' }, "Unleash's client API (feature flags); absent: every flag its default"),
  UNLEASH_TOKEN: declare(text().optional(), { from: 'flags', part: 'token' }, "the lab's Unleash client token"),
};

/** What every service reads, whoever it is. */
export const commonSettings = {
  HOST: declare(text().default('127.0.0.1'), { from: 'listen', part: 'host' }, 'the address it listens on'),
  PORT: declare(z.coerce.number().int().min(1).max(65535), { from: 'listen', part: 'port' }, 'the port it listens on'),
  LOG_LEVEL: declare(z.enum(['debug', 'info', 'warn', 'error']).default('info'), { from: 'runtime' }, 'the lowest level it logs'),
  NODE_ENV: declare(z.enum(['development', 'production', 'test']).optional(), { from: 'runtime' }, "Express's mode"),
  UNAVAILABLE_RETRY_AFTER_S: declare(
    z.coerce.number().int().min(1).max(3600).default(2),
    { from: 'tunable' },
    'the Retry-After (seconds) of a 503 answered while a dependency of the request (its own database) does not answer',
  ),
};

export type CommonSettings = typeof commonSettings;
export type ServiceSettings<S extends SettingsShape = SettingsShape> = CommonSettings & S;

/**
 * A service's settings: the common ones and its own. A name that does not match its source
 * (DATABASE_URL for the database, `<NAME>_URL` for a service, …) is a bug, thrown at once.
 */
export function defineSettings<S extends SettingsShape>(own: S): ServiceSettings<S> {
  const all = { ...commonSettings, ...own } as ServiceSettings<S>;
  for (const [name, declared] of Object.entries(all)) {
    const expected = expectedName(declared.source);
    if (expected !== undefined && expected !== name) throw new Error(`setting ${name}: a ${describeSource(declared.source)} is read from ${expected}`);
  }
  return all;
}

function expectedName(source: SettingSource): string | undefined {
  switch (source.from) {
    case 'listen':
      return source.part === 'host' ? 'HOST' : 'PORT';
    case 'dependency':
      return DEPENDENCY_VARIABLE[source.kind];
    case 'aws':
      return AWS_VARIABLE[source.part];
    case 'service':
      return serviceUrlVariable(source.service);
    case 'flags':
      return FLAGS_VARIABLE[source.part];
    case 'secret':
      return SECRET_VARIABLE[source.secret];
    case 'lab':
      return LAB_VARIABLE[source.part];
    case 'tunable':
    case 'runtime':
      return undefined;
  }
}

/** In words, for error messages: "postgres database URL", "URL of inventory", … */
export function describeSource(source: SettingSource): string {
  switch (source.from) {
    case 'listen':
      return `listen ${source.part}`;
    case 'dependency':
      return `${source.kind} URL`;
    case 'aws':
      return `AWS ${source.part}`;
    case 'service':
      return `URL of ${source.service}`;
    case 'flags':
      return `Unleash ${source.part}`;
    case 'secret':
      return `${source.secret} secret`;
    case 'lab':
      return `lab's ${source.part}`;
    case 'tunable':
      return 'tunable';
    case 'runtime':
      return 'runtime setting';
  }
}

/** The values, parsed; every problem at once, each with its variable and what it is for. */
export function readSettings<S extends SettingsShape>(settings: S, env: NodeJS.ProcessEnv = process.env): SettingValues<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, declared] of Object.entries(settings)) {
    const raw = env[name];
    const parsed = declared.schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(`${name} (${declared.description}): ${raw === undefined ? 'not set' : parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  if (problems.length > 0) throw new Error(`Bad service configuration: ${problems.join('; ')}`);
  return values as SettingValues<S>;
}

export function describeSettings(settings: SettingsShape): SettingDescription[] {
  return Object.entries(settings).map(([name, declared]) => ({
    name,
    source: declared.source,
    required: !declared.schema.safeParse(undefined).success,
    sensitive:
      declared.source.from === 'dependency' ||
      declared.source.from === 'secret' ||
      (declared.source.from === 'flags' && declared.source.part === 'token') ||
      (declared.source.from === 'aws' && declared.source.part === 'secret-access-key') ||
      (declared.source.from === 'lab' && declared.source.part === 'console-token'),
    description: declared.description,
  }));
}

/**
 * What is wrong with an environment a launcher gives: a required setting it lacks, or a variable
 * the service does not read. `ignore` names variables that are the launcher's own (a label).
 */
export function checkEnvironment(declared: SettingDescription[], given: Iterable<string>, ignore: Iterable<string> = []): string[] {
  const names = new Set(given);
  const skipped = new Set(ignore);
  const known = new Set(declared.map((d) => d.name));
  return [
    ...declared.filter((d) => d.required && !names.has(d.name)).map((d) => `${d.name} is required (${d.description}) and not given`),
    ...[...names]
      .filter((name) => !known.has(name) && !skipped.has(name))
      .sort()
      .map((name) => `${name} is given and not read`),
  ];
}
