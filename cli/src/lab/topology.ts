import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { readYamlFile } from './yaml-file.js';
import { readCloudSchedule, readRate, type RateSchedule } from '@frank/contracts/schedule';

/** The topology of a lab as frank.yaml declares it, with the port offset applied. */
export const TOPOLOGY_FILE = 'frank.yaml';

const name = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lowercase name of letters, digits and dashes');
const sqlName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lowercase SQL identifier (letters, digits, _)');
const port = z.number().int().min(1).max(65535);

const postgres = z.strictObject({
  kind: z.literal('postgres'),
  port,
  databases: z.record(sqlName, z.array(sqlName)),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const rabbitmq = z.strictObject({
  kind: z.literal('rabbitmq'),
  port,
  exchanges: z.record(z.string(), z.enum(['topic', 'direct', 'fanout', 'headers'])).default({}),
});
const mongo = z.strictObject({
  kind: z.literal('mongo'),
  port,
  engine: z.enum(['auto', 'mongod', 'ferretdb']).default('auto'),
  /** FerretDB's storage: a database of a postgres resource of the lab (with its own role); without it, SQLite files. */
  postgres: name.optional(),
  database: sqlName.optional(),
});
const redis = z.strictObject({ kind: z.literal('redis'), port });
const aws = z.strictObject({
  kind: z.literal('aws'),
  port,
  emulator: z.enum(['moto', 'localstack']).default('moto'),
  region: z.string().default('us-east-1'),
  buses: z.array(name).default([]),
  queues: z.array(name).default([]),
  rules: z
    .record(
      name,
      z.strictObject({
        bus: name.optional(),
        pattern: z.record(z.string(), z.unknown()).optional(),
        /** A scheduled rule instead of a pattern: rate() only, fired by eventbridge-bridge's lab process. */
        schedule: z.string().optional(),
        /** The schedule on AWS (e.g. a nightly cron), when it differs from the lab's. */
        cloudSchedule: z.string().optional(),
        target: name,
      }),
    )
    .default({}),
  /**
   * EventBridge archives: what a bus carries (the events matching pattern, or all of them) kept
   * retentionDays for replay. Checked after the schema (awsArchives), to say what to write.
   */
  archives: z.record(name, z.strictObject({ bus: z.string().optional(), pattern: z.unknown().optional(), retentionDays: z.unknown().optional() })).default({}),
  /** S3 buckets; `eventBridge: true` has S3 announce its object events on EventBridge (PutBucketNotificationConfiguration). */
  buckets: z.record(name, z.strictObject({ eventBridge: z.boolean().default(false) })).default({}),
  /** Queues with a dead-letter queue `<queue>-dlq`: a message received this many times without being deleted moves there. */
  deadLetter: z.record(name, z.number().int().min(1).max(1000)).default({}),
});
const toxiproxy = z.strictObject({ kind: z.literal('toxiproxy'), port, proxyPorts: port });
/** Unleash (feature flags) on a database of a postgres resource of the lab, with that database's own role. */
const unleash = z.strictObject({ kind: z.literal('unleash'), port, postgres: name, database: sqlName });

const resource = z.discriminatedUnion('kind', [postgres, rabbitmq, mongo, redis, aws, toxiproxy, unleash]);

const topologySchema = z.strictObject({
  version: z.literal(1),
  lab: z
    .strictObject({
      runtime: z.enum(['auto', 'native', 'docker']).default('auto'),
      host: z.string().default('127.0.0.1'),
      portOffset: z.number().int().min(0).default(0),
    })
    .default({ runtime: 'auto', host: '127.0.0.1', portOffset: 0 }),
  resources: z.record(name, resource),
  services: z
    .record(
      name,
      z.strictObject({
        port,
        uses: z.array(name).default([]),
        env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an UPPER_CASE variable name'), z.union([z.string(), z.number(), z.boolean()])).default({}),
      }),
    )
    .default({}),
});

type RawTopology = z.infer<typeof topologySchema>;
type RawResource = z.infer<typeof resource>;

export type ResourceKind = RawResource['kind'];
export type RuntimeChoice = RawTopology['lab']['runtime'];

type Resolved<T> = Omit<T, 'port'> & { name: string; port: number };
export type PostgresResource = Resolved<z.infer<typeof postgres>>;
export type RabbitmqResource = Resolved<z.infer<typeof rabbitmq>> & { distPort: number; epmdPort: number };
export type MongoResource = Resolved<z.infer<typeof mongo>>;
export type RedisResource = Resolved<z.infer<typeof redis>>;
/** A rule of the aws resource: on a bus with an event pattern, or on the default bus with a schedule. */
export type AwsRule = { bus: string; target: string } & (
  { pattern: Record<string, unknown>; schedule?: undefined } | { pattern?: undefined; schedule: RateSchedule; cloudSchedule: string }
);
/** An EventBridge archive of the aws resource: a bus's events (those matching pattern, or all), kept retentionDays. */
export interface AwsArchive {
  bus: string;
  pattern?: Record<string, unknown>;
  retentionDays: number;
}
export type AwsResource = Omit<Resolved<z.infer<typeof aws>>, 'rules' | 'archives'> & { rules: Record<string, AwsRule>; archives: Record<string, AwsArchive> };
export type ToxiproxyResource = Resolved<z.infer<typeof toxiproxy>>;
export type UnleashResource = Resolved<z.infer<typeof unleash>>;
export type Resource = PostgresResource | RabbitmqResource | MongoResource | RedisResource | AwsResource | ToxiproxyResource | UnleashResource;

export interface Service {
  kind: 'service';
  name: string;
  port: number;
  uses: string[];
  /** Extra environment from frank.yaml (a simulator's behaviour, a timeout). */
  env: Record<string, string>;
}

/** What the lab starts and walks through its phases: a server resource or one of the lab's services. */
export type LabUnit = Resource | Service;

/** One service-to-dependency link, reached through its own Toxiproxy proxy. */
export interface Link {
  name: string;
  service: string;
  resource: string;
  listenPort: number;
  upstreamPort: number;
}

export interface Topology {
  file: string;
  /** The folder holding frank.yaml; the lab's state lives in `.frank/` beside it. */
  root: string;
  runtime: RuntimeChoice;
  host: string;
  portOffset: number;
  resources: Resource[];
  services: Service[];
  links: Link[];
}

/** Ports a resource needs besides its main one (Erlang distribution and epmd for RabbitMQ). */
const RABBITMQ_DIST_SHIFT = 20000;
const EPMD_PORT = 4369;

export interface LoadOptions {
  /** Overrides `lab.portOffset`. */
  portOffset?: number;
}

export function findTopologyFile(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, TOPOLOGY_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new UsageError(`No ${TOPOLOGY_FILE} in ${from} or any folder above it.`, {
        hint: `Run frank from the lab's repository, or pass --config <path to ${TOPOLOGY_FILE}>.`,
      });
    }
    dir = parent;
  }
}

export async function loadTopology(file: string, options: LoadOptions = {}): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      hint: `Create ${TOPOLOGY_FILE} or pass --config <path>.`,
    });
  }
  return parseTopology(text, file, options);
}

export function parseTopology(text: string, file: string, options: LoadOptions = {}): Topology {
  const { data, lineAt } = readYamlFile(text, file, topologySchema, {
    describeKey,
    describeIssue,
    hint: `See the comments in the repository's ${TOPOLOGY_FILE} for what each key takes.`,
  });
  const offset = options.portOffset ?? data.lab.portOffset;
  if (options.portOffset !== undefined && (!Number.isInteger(offset) || offset < 0)) {
    throw new UsageError(`--port-offset must be a whole number ≥ 0, not ${offset}.`);
  }
  return resolve(data, file, offset, lineAt);
}

/** The Fetch standard's "bad ports": fetch and browsers will not connect to them, so no HTTP server of the lab may listen there. */
const FETCH_BLOCKED_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
  139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

function resolve(raw: RawTopology, file: string, offset: number, lineAt: (keyPath: string[]) => string): Topology {
  const fail = (keyPath: string[], message: string, hint?: string): never => {
    throw new UsageError(`${file}${lineAt(keyPath)}: ${describeKey(keyPath)}: ${message}`, { hint });
  };
  const shift = (keyPath: string[], base: number): number => {
    const shifted = base + offset;
    if (shifted > 65535) fail(keyPath, `port ${base} + offset ${offset} = ${shifted} is above 65535`, 'Use a smaller --port-offset.');
    return shifted;
  };

  const resources: Resource[] = Object.entries(raw.resources).map(([resourceName, spec]) => {
    const port = shift(['resources', resourceName, 'port'], spec.port);
    if (spec.kind === 'rabbitmq') {
      return {
        ...spec,
        name: resourceName,
        port,
        distPort: shift(['resources', resourceName, 'port'], spec.port + RABBITMQ_DIST_SHIFT),
        epmdPort: EPMD_PORT + offset,
      };
    }
    if (spec.kind === 'toxiproxy') {
      return { ...spec, name: resourceName, port, proxyPorts: shift(['resources', resourceName, 'proxyPorts'], spec.proxyPorts) };
    }
    if (spec.kind === 'aws') {
      return { ...spec, name: resourceName, port, rules: awsRules(resourceName, spec.rules, fail), archives: awsArchives(resourceName, spec, fail) };
    }
    return { ...spec, name: resourceName, port };
  });
  const byName = new Map(resources.map((r) => [r.name, r]));
  // Unleash, and FerretDB when it stores in PostgreSQL: a database of a postgres resource of the lab.
  for (const r of resources) {
    if (r.kind === 'mongo' && (r.postgres === undefined) !== (r.database === undefined)) {
      const [given, missing] = r.postgres === undefined ? ['database', 'postgres'] : ['postgres', 'database'];
      fail(
        ['resources', r.name, missing],
        `${given} is set but ${missing} is not`,
        'Set both (FerretDB stores in that PostgreSQL database), or neither (SQLite files).',
      );
    }
    if ((r.kind !== 'unleash' && r.kind !== 'mongo') || r.postgres === undefined || r.database === undefined) continue;
    const server = byName.get(r.postgres);
    if (server?.kind !== 'postgres') {
      const servers = resources.filter((p) => p.kind === 'postgres').map((p) => p.name);
      fail(
        ['resources', r.name, 'postgres'],
        `"${r.postgres}" is not a postgres resource of this lab`,
        `Use one of: ${servers.join(', ') || '(none: add one)'}.`,
      );
    } else if (!(r.database in server.databases)) {
      fail(
        ['resources', r.name, 'database'],
        `${r.postgres} declares no database "${r.database}"`,
        `Add it under resources.${r.postgres}.databases (e.g. ${r.database}: []), or use one of: ${Object.keys(server.databases).join(', ')}.`,
      );
    }
  }
  const hasLinks = Object.values(raw.services).some((spec) => spec.uses.length > 0);
  if (hasLinks && !resources.some((r) => r.kind === 'toxiproxy')) {
    fail(['resources'], 'services declare links but no resource has kind: toxiproxy', 'Add a toxiproxy resource: the links go through it.');
  }
  const toxi = resources.find((r): r is ToxiproxyResource => r.kind === 'toxiproxy');

  const services: Service[] = [];
  const links: Link[] = [];
  for (const [serviceName, spec] of Object.entries(raw.services)) {
    services.push({
      kind: 'service',
      name: serviceName,
      port: shift(['services', serviceName, 'port'], spec.port),
      uses: spec.uses,
      env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, String(v)])),
    });
    spec.uses.forEach((target, index) => {
      const dependency = byName.get(target);
      if (!dependency || dependency.kind === 'toxiproxy') {
        const allowed = resources
          .filter((r) => r.kind !== 'toxiproxy')
          .map((r) => r.name)
          .join(', ');
        fail(['services', serviceName, 'uses', String(index)], `"${target}" is not a resource of this lab`, `Use one of: ${allowed}.`);
      }
      links.push({
        name: `${serviceName}.${target}`,
        service: serviceName,
        resource: target,
        listenPort: (toxi?.proxyPorts ?? 0) + links.length,
        upstreamPort: dependency!.port,
      });
    });
  }

  const claimed = new Map<number, string>();
  const claim = (keyPath: string[], p: number, owner: string) => {
    const holder = claimed.get(p);
    if (holder) fail(keyPath, `port ${p - offset} is already used by ${holder}`, 'Give each resource and service its own port.');
    claimed.set(p, owner);
  };
  // Ports frank and browsers speak HTTP to: the services, the AWS emulator, Toxiproxy's API.
  const servesHttp = (keyPath: string[], p: number) => {
    if (FETCH_BLOCKED_PORTS.has(p))
      fail(
        keyPath,
        `port ${p} is one that browsers and Node's fetch refuse to speak HTTP to (it belongs to another protocol)`,
        offset > 0 ? 'Choose another --port-offset.' : 'Choose another port.',
      );
  };
  for (const r of resources) {
    if (r.kind === 'aws') {
      for (const queue of Object.keys(r.deadLetter))
        if (!r.queues.includes(queue))
          fail(['resources', r.name, 'deadLetter', queue], `"${queue}" is not one of the queues`, `Add it to resources.${r.name}.queues, or remove it here.`);
    }
    claim(['resources', r.name, 'port'], r.port, r.name);
    if (r.kind === 'aws' || r.kind === 'toxiproxy' || r.kind === 'unleash') servesHttp(['resources', r.name, 'port'], r.port);
    if (r.kind === 'rabbitmq') claim(['resources', r.name, 'port'], r.distPort, `${r.name} (Erlang distribution, port + ${RABBITMQ_DIST_SHIFT})`);
  }
  for (const s of services) {
    claim(['services', s.name, 'port'], s.port, `service ${s.name}`);
    servesHttp(['services', s.name, 'port'], s.port);
  }
  for (const l of links) {
    if (l.listenPort > 65535) fail(['resources', toxi!.name, 'proxyPorts'], 'the proxies run past port 65535', 'Lower proxyPorts.');
    claim(['resources', toxi!.name, 'proxyPorts'], l.listenPort, `proxy ${l.name}`);
  }

  return { file, root: path.dirname(path.resolve(file)), runtime: raw.lab.runtime, host: raw.lab.host, portOffset: offset, resources, services, links };
}

/** EventBridge takes a schedule on the default bus only (moto and AWS refuse it elsewhere). */
const SCHEDULE_BUS = 'default';

/** Each rule has a pattern or a schedule; a schedule is a rate() the lab can fire, on the default bus. */
function awsRules(
  resourceName: string,
  rules: z.infer<typeof aws>['rules'],
  fail: (keyPath: string[], message: string, hint?: string) => never,
): Record<string, AwsRule> {
  const at = (rule: string, key?: string) => ['resources', resourceName, 'rules', rule, ...(key ? [key] : [])];
  return Object.fromEntries(
    Object.entries(rules).map(([rule, spec]): [string, AwsRule] => {
      if (spec.schedule === undefined) {
        if (!spec.pattern)
          fail(at(rule), 'needs a pattern or a schedule', 'Add pattern: { source: [...] } to match events, or schedule: rate(1 minute) to fire on a timer.');
        if (spec.cloudSchedule !== undefined)
          fail(at(rule, 'cloudSchedule'), 'is for scheduled rules only', 'Add schedule: rate(...) for the lab, or remove cloudSchedule.');
        if (!spec.bus) fail(at(rule, 'bus'), 'is required (the event bus the pattern listens on)', "Name one of the resource's buses.");
        checkPattern(spec.pattern, at(rule, 'pattern'), fail);
        return [rule, { bus: spec.bus!, target: spec.target, pattern: spec.pattern! }];
      }
      if (spec.pattern)
        fail(at(rule), 'has both a pattern and a schedule', 'A rule either matches events (pattern) or fires on a timer (schedule): split it in two.');
      if (spec.bus !== undefined && spec.bus !== SCHEDULE_BUS) {
        fail(
          at(rule, 'bus'),
          `must be "${SCHEDULE_BUS}" for a scheduled rule, not "${spec.bus}" (EventBridge runs schedules on the default bus only)`,
          'Remove bus: from the rule.',
        );
      }
      const rate = readRate(spec.schedule);
      if ('problem' in rate) fail(at(rule, 'schedule'), rate.problem);
      const cloud = readCloudSchedule(spec.cloudSchedule ?? spec.schedule);
      if ('problem' in cloud) fail(at(rule, 'cloudSchedule'), cloud.problem);
      return [rule, { bus: SCHEDULE_BUS, target: spec.target, schedule: rate as RateSchedule, cloudSchedule: (cloud as { text: string }).text }];
    }),
  );
}

/** EventBridge's limit on an archive's name (its rule for the archive is `Events-Archive-<name>`). */
const ARCHIVE_NAME_MAX = 48;

/** Each archive keeps events of one of the resource's buses, those its pattern matches (all without one), for whole days. */
function awsArchives(
  resourceName: string,
  spec: z.infer<typeof aws>,
  fail: (keyPath: string[], message: string, hint?: string) => never,
): Record<string, AwsArchive> {
  const at = (archive: string, key?: string) => ['resources', resourceName, 'archives', archive, ...(key ? [key] : [])];
  return Object.fromEntries(
    Object.entries(spec.archives).map(([archive, { bus, pattern, retentionDays }]): [string, AwsArchive] => {
      if (archive.length > ARCHIVE_NAME_MAX)
        fail(at(archive), `"${archive}" is longer than the ${ARCHIVE_NAME_MAX} characters EventBridge allows an archive's name`, 'Give it a shorter name.');
      if (bus === undefined)
        fail(at(archive, 'bus'), 'is required (the event bus whose events the archive keeps)', `Name one of resources.${resourceName}.buses.`);
      if (!spec.buses.includes(bus!)) {
        fail(
          at(archive, 'bus'),
          `"${bus}" is not one of the buses`,
          `Use one of: ${spec.buses.join(', ') || '(none)'}, or add it to resources.${resourceName}.buses.`,
        );
      }
      if (pattern !== undefined) checkPattern(pattern, at(archive, 'pattern'), fail, 'or remove pattern: to keep every event of the bus');
      if (retentionDays === undefined)
        fail(at(archive, 'retentionDays'), 'is required (how many days EventBridge keeps each event)', 'Add e.g. retentionDays: 14.');
      if (typeof retentionDays !== 'number' || !Number.isInteger(retentionDays) || retentionDays < 1) {
        fail(
          at(archive, 'retentionDays'),
          `must be a whole number of days, at least 1, not ${JSON.stringify(retentionDays)}`,
          'Write e.g. retentionDays: 14 (EventBridge keeps each event that long, then drops it).',
        );
      }
      return [
        archive,
        { bus: bus!, ...(pattern === undefined ? {} : { pattern: pattern as Record<string, unknown> }), retentionDays: retentionDays as number },
      ];
    }),
  );
}

/**
 * What EventBridge refuses in an event pattern, said before it does: a pattern is a map of event
 * fields whose every leaf is a non-empty list of values to match (a value may be a filter such as
 * { prefix: x }); a field of a map nests the same way.
 */
function checkPattern(pattern: unknown, keyPath: string[], fail: (keyPath: string[], message: string, hint?: string) => never, alternative?: string): void {
  const example = 'e.g. pattern: { detail-type: [order.confirmed] }';
  const walk = (value: unknown, at: string[]): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      fail(
        at,
        `must be a map of event fields to the values they match, not ${describeValue(value)}`,
        `Write ${example}${alternative ? `, ${alternative}` : ''}.`,
      );
    }
    const fields = Object.entries(value as Record<string, unknown>);
    if (fields.length === 0)
      fail(at, 'is empty: EventBridge refuses a pattern that names no field', `Write ${example}${alternative ? `, ${alternative}` : ''}.`);
    for (const [field, inner] of fields) {
      if (Array.isArray(inner)) {
        if (inner.length === 0) fail([...at, field], 'is an empty list: EventBridge refuses it', `List the values ${field} may have, e.g. ${field}: [a, b].`);
      } else if (inner !== null && typeof inner === 'object') {
        walk(inner, [...at, field]);
      } else {
        fail(
          [...at, field],
          `must be a list of the values to match, not ${describeValue(inner)}`,
          `Write ${field}: [${String(inner)}] (a list, even of one value).`,
        );
      }
    }
  };
  walk(pattern, keyPath);
}

function describeValue(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'a map' : JSON.stringify(value);
}

/** Every port the lab listens on, with who listens there. */
export function labPorts(topology: Topology): { port: number; owner: string; resource: string }[] {
  const ports: { port: number; owner: string; resource: string }[] = [];
  for (const r of topology.resources) {
    ports.push({ port: r.port, owner: r.name, resource: r.name });
    if (r.kind === 'rabbitmq') ports.push({ port: r.distPort, owner: `${r.name} (Erlang distribution)`, resource: r.name });
  }
  const toxi = topology.resources.find((r) => r.kind === 'toxiproxy');
  if (toxi) for (const l of topology.links) ports.push({ port: l.listenPort, owner: `proxy ${l.name}`, resource: toxi.name });
  for (const s of topology.services) ports.push({ port: s.port, owner: `service ${s.name}`, resource: s.name });
  return ports;
}

function describeKey(keyPath: string[]): string {
  return keyPath.length === 0 ? '(top level)' : keyPath.join('.');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_key':
      // A map key the schema's name refuses (a rule or archive named Kept): say what a name looks like.
      return `must be ${issue.issues[0]?.message ?? 'a valid name'}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'kind must be one of "postgres", "rabbitmq", "mongo", "redis", "aws", "toxiproxy", "unleash"';
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (${issue.expected})`
        : `must be ${issue.expected}, not ${typeof issue.input === 'object' ? (Array.isArray(issue.input) ? 'a list' : 'a map') : JSON.stringify(issue.input)}`;
    default:
      return issue.message;
  }
}

/**
 * The units a unit waits for before it starts: a service for what it uses, Unleash and FerretDB
 * for their database. A service does not wait for Unleash: its flags read their defaults until Unleash
 * answers (`up` still waits for Unleash to be healthy before it returns).
 */
export function startsAfter(unit: LabUnit, topology: Topology): string[] {
  if (unit.kind === 'unleash') return [unit.postgres];
  if (unit.kind === 'mongo') return unit.postgres === undefined ? [] : [unit.postgres];
  if (unit.kind !== 'service') return [];
  return unit.uses.filter((name) => topology.resources.find((r) => r.name === name)?.kind !== 'unleash');
}
