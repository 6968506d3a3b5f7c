import { UsageError } from '../errors.js';
import { contractOf, type ServiceContracts } from '../lab/service-contracts.js';
import type {
  AwsResource,
  MongoResource,
  PostgresResource,
  RabbitmqResource,
  Resource,
  ResourceKind,
  Service,
  Topology,
  UnleashResource,
} from '../lab/topology.js';
import { IMAGES } from '../runtimes/docker/images.js';
import { unleashApiTokens } from '../runtimes/unleash-tokens.js';

/**
 * The variables of terraform/envs/aws, derived from frank.yaml and each service's declared settings.
 * Maps are keyed by frank.yaml names; ports are frank.yaml's own (a local --port-offset does not reach the cloud).
 */
export type CloudTfvars = {
  region: string;
  databases: Record<string, { database_names: string[]; port: number; schemas: Record<string, string[]> }>;
  services: Record<string, CloudService>;
  broker: { name: string; exchanges: Record<string, string> };
  documents: { name: string; port: number };
  cache: { name: string; port: number };
  aws_resource: string;
  buses: string[];
  queues: string[];
  rules: Record<string, { bus: string; target: string; pattern: string }>;
  /** Scheduled rules (on the default bus): frank.yaml's cloudSchedule, else its schedule. */
  schedules: Record<string, { target: string; schedule_expression: string }>;
  /** EventBridge archives: the bus, the pattern as canonical JSON (null: every event of the bus) and the days kept. */
  archives: Record<string, { bus: string; pattern: string | null; retention_days: number }>;
  buckets: string[];
  /** Unleash as an ECS service on its database (terraform/modules/flags); null without an unleash resource. */
  unleash: CloudUnleash | null;
};

/** The unleash resource on AWS: the image the docker runtime pins, and its tokens' `<project>:<environment>.` prefixes. */
export interface CloudUnleash {
  name: string;
  port: number;
  postgres: string;
  database: string;
  image: string;
  admin_token_prefix: string;
  client_token_prefix: string;
}

/**
 * What a task definition gives a service beyond its `uses`: the services it calls (`<NAME>_URL`),
 * the lab secrets it reads (`jwt` → JWT_SECRET) and frank.yaml's `env:` for its tunables, all from
 * what its src/settings.ts declares.
 */
export interface CloudService {
  port: number;
  uses: string[];
  calls: string[];
  secrets: string[];
  environment: Record<string, string>;
}

/** Pure: the same topology and settings always give the same variables. */
export function tfvarsFromTopology(topology: Topology, contracts: ServiceContracts): CloudTfvars {
  const offset = topology.portOffset;
  const broker = single<RabbitmqResource>(topology, 'rabbitmq', 'Amazon MQ for RabbitMQ');
  const documents = single<MongoResource>(topology, 'mongo', 'DocumentDB');
  const cache = single(topology, 'redis', 'ElastiCache Redis');
  const aws = single<AwsResource>(topology, 'aws', 'EventBridge and SQS');
  const postgres = topology.resources.filter((r): r is PostgresResource => r.kind === 'postgres');
  // FerretDB's storage: on AWS, DocumentDB holds the documents.
  const onAws = (db: PostgresResource) => Object.entries(db.databases).filter(([name]) => !(documents.postgres === db.name && documents.database === name));

  return {
    region: aws.region,
    databases: sortedRecord(
      postgres.map((db) => [
        db.name,
        {
          database_names: onAws(db)
            .map(([name]) => name)
            .sort(),
          port: db.port - offset,
          schemas: sortedRecord(onAws(db).map(([name, schemas]) => [name, [...schemas]])),
        },
      ]),
    ),
    services: sortedRecord(topology.services.map((s) => [s.name, cloudService(s, topology, contracts)])),
    broker: { name: broker.name, exchanges: sortedRecord(Object.entries(broker.exchanges)) },
    documents: { name: documents.name, port: documents.port - offset },
    cache: { name: cache.name, port: cache.port - offset },
    aws_resource: aws.name,
    buses: [...aws.buses],
    queues: [...aws.queues],
    rules: sortedRecord(
      Object.entries(aws.rules).flatMap(([name, rule]) =>
        rule.pattern ? [[name, { bus: rule.bus, target: rule.target, pattern: canonicalJson(rule.pattern) }]] : [],
      ),
    ),
    schedules: sortedRecord(
      Object.entries(aws.rules).flatMap(([name, rule]) => (rule.schedule ? [[name, { target: rule.target, schedule_expression: rule.cloudSchedule }]] : [])),
    ),
    archives: sortedRecord(
      Object.entries(aws.archives).map(([name, archive]) => [
        name,
        { bus: archive.bus, pattern: archive.pattern === undefined ? null : canonicalJson(archive.pattern), retention_days: archive.retentionDays },
      ]),
    ),
    buckets: Object.keys(aws.buckets),
    unleash: cloudUnleash(topology),
  };
}

function cloudUnleash(topology: Topology): CloudUnleash | null {
  if (!topology.resources.some((r) => r.kind === 'unleash')) return null;
  const unleash = single<UnleashResource>(topology, 'unleash', 'an ECS service running Unleash');
  // The token format lives in one place: the prefixes are the lab's tokens without their secrets.
  const prefixes = unleashApiTokens({ adminSecret: '', clientSecret: '' });
  return {
    name: unleash.name,
    port: unleash.port - topology.portOffset,
    postgres: unleash.postgres,
    database: unleash.database,
    image: IMAGES.unleash,
    admin_token_prefix: prefixes.admin,
    client_token_prefix: prefixes.client,
  };
}

function cloudService(service: Service, topology: Topology, contracts: ServiceContracts): CloudService {
  const declared = contractOf(contracts, service.name).described;
  const calls = declared.flatMap((d) =>
    d.source.from === 'service' && topology.services.some((s) => s.name === (d.source as { service: string }).service) ? [d.source.service] : [],
  );
  const secrets = declared.flatMap((d) => (d.source.from === 'secret' ? [d.source.secret] : []));
  return {
    port: service.port - topology.portOffset,
    // Unleash is in it too (terraform/modules/flags): a service that uses it gets UNLEASH_URL and UNLEASH_TOKEN.
    uses: [...service.uses],
    calls: [...new Set(calls)].sort(),
    secrets: [...new Set(secrets)].sort(),
    environment: sortedRecord(Object.entries(service.env).map(([key, value]) => [key, String(value)])),
  };
}

/**
 * HCL text for a .tfvars file: keys sorted, two-space indents and `=` aligned the way `terraform fmt`
 * aligns them, so the output is fmt-clean and diffs stay small.
 */
export function renderTfvars(vars: Record<string, unknown>): string {
  const header = '# Generated from frank.yaml by `frank cloud tfvars`. Edit frank.yaml, not this file.\n\n';
  // One variable per paragraph: easier to read than one aligned block of mixed lengths.
  const paragraphs = Object.keys(vars)
    .sort()
    .filter((key) => vars[key] !== undefined)
    .map((key) => renderBody({ [key]: vars[key] }, 0, 'identifier').join('\n'));
  return `${header}${paragraphs.join('\n\n')}\n`;
}

function renderBody(object: Record<string, unknown>, depth: number, keys: 'identifier' | 'quoted-when-needed'): string[] {
  const indent = '  '.repeat(depth);
  const entries = Object.keys(object)
    .sort()
    .filter((key) => object[key] !== undefined)
    .map((key) => {
      const name = keys === 'identifier' ? identifier(key) : objectKey(key);
      return { name, value: renderValue(object[key], depth) };
    });

  // terraform fmt aligns `=` across a run of single-line attributes; a multi-line value ends the run.
  const lines: string[] = [];
  let run: { name: string; value: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((entry) => entry.name.length));
    for (const entry of run) lines.push(`${indent}${entry.name.padEnd(width)} = ${entry.value}`);
    run = [];
  };
  for (const entry of entries) {
    if (entry.value.includes('\n')) {
      flush();
      lines.push(`${indent}${entry.name} = ${entry.value}`);
    } else {
      run.push(entry);
    }
  }
  flush();
  return lines;
}

function renderValue(value: unknown, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`renderTfvars: ${value} is not a number HCL can hold`);
    return String(value);
  }
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item))) {
      return `[${value.map((item) => renderValue(item, depth)).join(', ')}]`;
    }
    const indent = '  '.repeat(depth + 1);
    return `[\n${value.map((item) => `${indent}${renderValue(item, depth + 1)},`).join('\n')}\n${'  '.repeat(depth)}]`;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length === 0) return '{}';
    return `{\n${renderBody(record, depth + 1, 'quoted-when-needed').join('\n')}\n${'  '.repeat(depth)}}`;
  }
  throw new TypeError(`renderTfvars: cannot write a ${typeof value} as HCL`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function identifier(key: string): string {
  if (!IDENTIFIER.test(key)) throw new TypeError(`renderTfvars: "${key}" is not a valid Terraform variable name`);
  return key;
}

// A bare `for`, `null` or `true` in key position would be read as syntax, not as a name.
const KEYWORDS = new Set(['for', 'in', 'if', 'null', 'true', 'false']);

/** Map keys such as user-db or frank.events are quoted; plain identifiers are not. */
function objectKey(key: string): string {
  return IDENTIFIER.test(key) && !KEYWORDS.has(key) ? key : hclString(key);
}

function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // A literal ${ or %{ would start a template in HCL.
    .replace(/\$\{/g, () => '$${') // a function: in a replacement string "$$" would mean "$"
    .replace(/%\{/g, () => '%%{');
  return `"${escaped}"`;
}

/** JSON with object keys sorted at every depth, so the same pattern is always the same string. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function sortedRecord<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function single<T extends Resource>(topology: Topology, kind: ResourceKind, service: string): T {
  const found = topology.resources.filter((r) => r.kind === kind);
  if (found.length !== 1) {
    const names = found.map((r) => r.name).join(', ');
    throw new UsageError(
      `${topology.file}: resources: the AWS deployment needs exactly one resource of kind ${kind} (it becomes ${service}); found ${found.length === 0 ? 'none' : `${found.length}: ${names}`}.`,
      { hint: `Declare one \`kind: ${kind}\` resource in frank.yaml before running \`frank cloud tfvars\`.` },
    );
  }
  return found[0] as T;
}
