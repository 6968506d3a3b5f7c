import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { REPOSITORY_ROOT } from './paths.js';
import { labPorts, parseTopology, startsAfter } from './topology.js';

const repositoryYaml = await readFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), 'utf8');
const parse = (text: string, portOffset?: number) => parseTopology(text, 'frank.yaml', { portOffset });
const minimal = (resources: string, services = '') => `version: 1\nresources:\n${resources}\n${services}`;

function usageErrorOf(text: string, portOffset?: number): UsageError {
  try {
    parse(text, portOffset);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('frank.yaml', () => {
  it("declares the design's topology with its default ports", () => {
    const topology = parse(repositoryYaml);
    const ports = Object.fromEntries(topology.resources.map((r) => [r.name, r.port]));
    expect(ports).toEqual({
      'user-db': 5432,
      'inventory-db': 5433,
      'order-db': 5434,
      'payment-db': 5435,
      'notification-db': 5437,
      'analytics-db': 5438,
      'infrastructure-db': 5439,
      rabbitmq: 5672,
      mongo: 27017,
      redis: 6379,
      aws: 4566,
      toxiproxy: 8474,
      unleash: 4242,
    });
    expect(Object.fromEntries(topology.services.map((s) => [s.name, s.port]))).toMatchObject({
      bff: 3000,
      user: 3001,
      order: 3003,
      'payment-provider': 3010,
      'eventbridge-bridge': 3011,
      'rabbitmq-bridge': 3012,
    });
    expect(topology.resources.find((r) => r.name === 'infrastructure-db')).toMatchObject({ databases: { sonarqube: [], unleash: [] } });
    expect(topology.host).toBe('127.0.0.1');
  });

  it('gives every service link its own proxy port, after the toxiproxy base', () => {
    const topology = parse(repositoryYaml);
    const order = topology.links.find((l) => l.name === 'order.order-db')!;
    expect(order.upstreamPort).toBe(5434);
    const listens = topology.links.map((l) => l.listenPort);
    expect(new Set(listens).size).toBe(listens.length);
    expect(Math.min(...listens)).toBe(8480);
  });

  it('shifts every port, proxies and RabbitMQ distribution included, by the offset', () => {
    const base = labPorts(parse(repositoryYaml));
    const shifted = labPorts(parse(repositoryYaml, 250));
    expect(shifted.map((p) => p.port)).toEqual(base.map((p) => p.port + 250));
    expect(parse(repositoryYaml, 250).resources.find((r) => r.kind === 'rabbitmq')).toMatchObject({ port: 5922, distPort: 25922, epmdPort: 4619 });
  });

  it('names the file, line and key of an unknown key', () => {
    const error = usageErrorOf(minimal('  cache:\n    kind: redis\n    port: 6379\n    colour: blue'));
    expect(error.message).toBe('frank.yaml:6: resources.cache: unknown key "colour"');
    expect(error.exitCode).toBe(2);
  });

  it('lists the kinds allowed when the kind is wrong', () => {
    expect(usageErrorOf(minimal('  cache:\n    kind: memcached\n    port: 1')).message).toMatch(
      /resources\.cache.*"postgres", "rabbitmq", "mongo", "redis", "aws", "toxiproxy"/,
    );
  });

  it('says what an enum allows', () => {
    expect(usageErrorOf(minimal('  docs:\n    kind: mongo\n    port: 27017\n    engine: mysql')).message).toMatch(
      /resources\.docs\.engine: must be one of "auto", "mongod", "ferretdb"/,
    );
  });

  it('rejects a port that is not a port', () => {
    expect(usageErrorOf(minimal('  cache:\n    kind: redis\n    port: 70000')).message).toMatch(/frank\.yaml:5: resources\.cache\.port/);
    expect(usageErrorOf(minimal('  cache:\n    kind: redis\n    port: "6379"')).message).toMatch(/resources\.cache\.port: must be number/);
  });

  it('rejects two resources on one port, naming both', () => {
    expect(usageErrorOf(minimal('  a:\n    kind: redis\n    port: 6379\n  b:\n    kind: redis\n    port: 6379')).message).toMatch(
      /resources\.b\.port: port 6379 is already used by a/,
    );
  });

  it('rejects a link to a resource that does not exist, listing those that do', () => {
    const error = usageErrorOf(
      minimal(
        '  cache:\n    kind: redis\n    port: 6379\n  proxy:\n    kind: toxiproxy\n    port: 8474\n    proxyPorts: 8480',
        'services:\n  bff: { port: 3000, uses: [cache, mongo] }',
      ),
    );
    expect(error.message).toMatch(/services\.bff\.uses\.1: "mongo" is not a resource of this lab/);
    expect(error.hint).toBe('Use one of: cache.');
  });

  it("rejects an unleash whose database is not one of the lab's postgres databases", () => {
    const db = '  infra:\n    kind: postgres\n    port: 5439\n    databases: { unleash: [] }';
    const flags = (postgres: string, database: string) => `  flags:\n    kind: unleash\n    port: 4242\n    postgres: ${postgres}\n    database: ${database}`;
    expect(parse(minimal(`${db}\n${flags('infra', 'unleash')}`)).resources.find((r) => r.name === 'flags')).toMatchObject({ kind: 'unleash', port: 4242 });
    const noServer = usageErrorOf(minimal(`${db}\n${flags('infra-db', 'unleash')}`));
    expect(noServer.message).toMatch(/resources\.flags\.postgres: "infra-db" is not a postgres resource of this lab/);
    expect(noServer.hint).toBe('Use one of: infra.');
    const noDatabase = usageErrorOf(minimal(`${db}\n${flags('infra', 'flags')}`));
    expect(noDatabase.message).toMatch(/resources\.flags\.database: infra declares no database "flags"/);
    expect(noDatabase.hint).toMatch(/^Add it under resources\.infra\.databases/);
  });

  it("stores FerretDB in a database of the lab's postgres when both are named, and refuses one without the other", () => {
    const db = '  infra:\n    kind: postgres\n    port: 5439\n    databases: { ferretdb: [] }';
    const docs = (extra: string) => `  docs:\n    kind: mongo\n    port: 27017${extra}`;
    const topology = parse(minimal(`${db}\n${docs('\n    postgres: infra\n    database: ferretdb')}`));
    const mongo = topology.resources.find((r) => r.name === 'docs')!;
    expect(mongo).toMatchObject({ kind: 'mongo', postgres: 'infra', database: 'ferretdb' });
    expect(startsAfter(mongo, topology)).toEqual(['infra']);
    expect(
      startsAfter(
        parse(minimal(`${db}\n${docs('')}`)).resources.find((r) => r.name === 'docs')!,
        topology,
      ),
    ).toEqual([]);
    const halfway = usageErrorOf(minimal(`${db}\n${docs('\n    postgres: infra')}`));
    expect(halfway.message).toMatch(/resources\.docs\.database: postgres is set but database is not/);
    expect(halfway.hint).toMatch(/Set both .* or neither \(SQLite files\)/);
    expect(usageErrorOf(minimal(`${db}\n${docs('\n    postgres: docs\n    database: ferretdb')}`)).message).toMatch(
      /resources\.docs\.postgres: "docs" is not a postgres resource of this lab/,
    );
    expect(usageErrorOf(minimal(`${db}\n${docs('\n    postgres: infra\n    database: views')}`)).message).toMatch(
      /resources\.docs\.database: infra declares no database "views"/,
    );
  });

  it('reads a scheduled rule: rate() for the lab, on the default bus, cloudSchedule for AWS', () => {
    const aws = parse(repositoryYaml).resources.find((r) => r.kind === 'aws')!;
    expect(aws.kind === 'aws' && aws.rules['analytics-cube-refresh']).toEqual({
      bus: 'default',
      target: 'frank-aws-events',
      schedule: { kind: 'rate', everyMs: 60_000, text: 'rate(1 minute)' },
      cloudSchedule: 'cron(0 3 * * ? *)',
    });
    expect(aws.kind === 'aws' && aws.rules['payment-webhooks']).toMatchObject({ bus: 'frank-external', pattern: { source: ['frank.payment-provider'] } });
  });

  it('refuses a broken scheduled rule, naming the rule and what to write', () => {
    const rule = (body: string) => minimal(`  aws:\n    kind: aws\n    port: 4566\n    queues: [q]\n    rules:\n      nightly:\n${body}`);
    const cron = usageErrorOf(rule('        schedule: cron(0 3 * * ? *)\n        target: q'));
    expect(cron.message).toMatch(/resources\.aws\.rules\.nightly\.schedule: is a cron\(\) expression .*use rate\(1 minute\).*cloudSchedule/);
    expect(usageErrorOf(rule('        schedule: rate(10 seconds)\n        target: q')).message).toMatch(/rules\.nightly\.schedule: takes rate\(1 minute\)/);
    expect(usageErrorOf(rule('        schedule: rate(2 minute)\n        target: q')).message).toMatch(/must say rate\(2 minutes\)/);
    const bus = usageErrorOf(rule('        bus: frank-external\n        schedule: rate(1 day)\n        target: q'));
    expect(bus.message).toMatch(/rules\.nightly\.bus: must be "default" for a scheduled rule/);
    expect(bus.hint).toBe('Remove bus: from the rule.');
    const both = usageErrorOf(rule('        bus: b\n        pattern: { source: [x] }\n        schedule: rate(1 day)\n        target: q'));
    expect(both.message).toMatch(/rules\.nightly: has both a pattern and a schedule/);
    expect(usageErrorOf(rule('        bus: b\n        target: q')).message).toMatch(/rules\.nightly: needs a pattern or a schedule/);
    expect(usageErrorOf(rule('        schedule: rate(1 day)\n        cloudSchedule: cron(0 3 * * *)\n        target: q')).message).toMatch(
      /rules\.nightly\.cloudSchedule: takes .*six-field cron/,
    );
    expect(usageErrorOf(rule('        pattern: { source: [x] }\n        target: q')).message).toMatch(/rules\.nightly\.bus: is required/);
  });

  it('rejects links without a toxiproxy to carry them', () => {
    expect(usageErrorOf(minimal('  cache:\n    kind: redis\n    port: 6379', 'services:\n  bff: { port: 3000, uses: [cache] }')).message).toMatch(
      /no resource has kind: toxiproxy/,
    );
  });

  it('rejects an offset that pushes a port past 65535', () => {
    expect(usageErrorOf(repositoryYaml, 60000).message).toMatch(/above 65535/);
  });

  it('rejects an offset that puts an HTTP server on a port fetch and browsers refuse', () => {
    // The BFF's 3000 + 3000: X11's port, where every fetch fails with "bad port".
    const error = usageErrorOf(repositoryYaml, 3000);
    expect(error.message).toMatch(/services\.bff\.port: port 6000 is one that browsers and Node's fetch refuse/);
    expect(error.hint).toMatch(/another --port-offset/);
  });

  it('reports broken YAML with its line', () => {
    expect(usageErrorOf('version: 1\nresources:\n  a: [unclosed\n').message).toMatch(/^frank\.yaml:\d+:\d+: not valid YAML/);
  });

  it('requires the version', () => {
    expect(usageErrorOf('resources: {}').message).toMatch(/version/);
  });
});

describe("frank.yaml: the aws resource's buckets and dead-letter queues", () => {
  const aws = (extra: string) => minimal(`  aws:\n    kind: aws\n    port: 4566\n    queues: [uploads]\n${extra}`);

  it('reads buckets (EventBridge notifications off unless asked for) and dead-letter receive counts', () => {
    const topology = parse(aws('    buckets: { images: { eventBridge: true }, logs: {} }\n    deadLetter: { uploads: 3 }'));
    expect(topology.resources[0]).toMatchObject({ buckets: { images: { eventBridge: true }, logs: { eventBridge: false } }, deadLetter: { uploads: 3 } });
    expect(parse(repositoryYaml).resources.find((r) => r.kind === 'aws')).toMatchObject({
      buckets: { 'frank-product-images': { eventBridge: true } },
      deadLetter: { 'frank-image-uploads': 3 },
    });
  });

  it('refuses a dead-letter entry for a queue it does not declare, naming the key and what to do', () => {
    const error = usageErrorOf(aws('    deadLetter: { upload: 3 }'));
    expect(error.message).toMatch(/resources\.aws\.deadLetter\.upload/);
    expect(error.message).toMatch(/"upload" is not one of the queues/);
    expect(`${error.message} ${error.hint ?? ''}`).toMatch(/Add it to resources\.aws\.queues, or remove it here/);
  });

  it('refuses a receive count that is not a positive whole number', () => {
    expect(usageErrorOf(aws('    deadLetter: { uploads: 0 }')).message).toMatch(/resources\.aws\.deadLetter\.uploads/);
  });
});

describe("frank.yaml: the aws resource's archives", () => {
  const aws = (archives: string) => minimal(`  aws:\n    kind: aws\n    port: 4566\n    buses: [outcomes, external]\n    archives:\n${archives}`);
  const archive = (body: string) => aws(`      kept:\n${body}`);

  it('reads an archive with a pattern, and one without (every event of its bus)', () => {
    const topology = parse(
      aws('      kept: { bus: outcomes, pattern: { detail-type: [a, b] }, retentionDays: 14 }\n      all: { bus: external, retentionDays: 1 }'),
    );
    expect(topology.resources[0]).toMatchObject({
      archives: { kept: { bus: 'outcomes', pattern: { 'detail-type': ['a', 'b'] }, retentionDays: 14 }, all: { bus: 'external', retentionDays: 1 } },
    });
    expect(topology.resources[0]?.kind === 'aws' && topology.resources[0].archives.all).not.toHaveProperty('pattern');
    expect(parse(repositoryYaml).resources.find((r) => r.kind === 'aws')).toMatchObject({
      archives: { 'order-outcomes': { bus: 'frank-internal', pattern: { 'detail-type': ['order.confirmed', 'order.cancelled'] }, retentionDays: 14 } },
    });
  });

  it('refuses an archive of a bus the resource does not declare, naming the key and the buses', () => {
    const error = usageErrorOf(archive('        bus: internal\n        retentionDays: 14'));
    expect(error.message).toMatch(/^frank\.yaml:9: resources\.aws\.archives\.kept\.bus: "internal" is not one of the buses$/);
    expect(error.hint).toBe('Use one of: outcomes, external, or add it to resources.aws.buses.');
    expect(usageErrorOf(archive('        retentionDays: 14')).message).toMatch(/archives\.kept\.bus: is required/);
  });

  it('refuses a pattern EventBridge would refuse, naming the field and what to write', () => {
    const leaf = usageErrorOf(archive('        bus: outcomes\n        pattern: { detail-type: order.confirmed }\n        retentionDays: 14'));
    expect(leaf.message).toMatch(/archives\.kept\.pattern\.detail-type: must be a list of the values to match, not "order\.confirmed"/);
    expect(leaf.hint).toBe('Write detail-type: [order.confirmed] (a list, even of one value).');
    const nested = usageErrorOf(archive('        bus: outcomes\n        pattern: { detail: { status: [] } }\n        retentionDays: 14'));
    expect(nested.message).toMatch(/archives\.kept\.pattern\.detail\.status: is an empty list/);
    const empty = usageErrorOf(archive('        bus: outcomes\n        pattern: {}\n        retentionDays: 14'));
    expect(empty.message).toMatch(/archives\.kept\.pattern: is empty/);
    expect(empty.hint).toMatch(/remove pattern: to keep every event of the bus/);
    expect(usageErrorOf(archive('        bus: outcomes\n        pattern: [order.confirmed]\n        retentionDays: 14')).message).toMatch(
      /archives\.kept\.pattern: must be a map of event fields to the values they match, not a list/,
    );
  });

  it('refuses a retention that is not a positive whole number of days, or none', () => {
    for (const bad of ['0', '-3', '1.5', '14d', '"14"']) {
      const error = usageErrorOf(archive(`        bus: outcomes\n        retentionDays: ${bad}`));
      expect(error.message, bad).toMatch(/^frank\.yaml:10: resources\.aws\.archives\.kept\.retentionDays: must be a whole number of days, at least 1, not /);
      expect(error.hint, bad).toMatch(/retentionDays: 14/);
    }
    expect(usageErrorOf(archive('        bus: outcomes')).message).toMatch(/archives\.kept\.retentionDays: is required/);
  });

  it('refuses a name EventBridge would refuse', () => {
    expect(usageErrorOf(aws(`      ${'a'.repeat(49)}: { bus: outcomes, retentionDays: 1 }`)).message).toMatch(/longer than the 48 characters/);
    expect(usageErrorOf(aws('      Kept: { bus: outcomes, retentionDays: 1 }')).message).toMatch(
      /archives\.Kept: must be a lowercase name of letters, digits and dashes/,
    );
  });

  it("checks a rule's pattern the same way", () => {
    const rule = minimal(
      '  aws:\n    kind: aws\n    port: 4566\n    queues: [q]\n    rules:\n      r: { bus: b, pattern: { source: frank.order }, target: q }',
    );
    expect(usageErrorOf(rule).message).toMatch(/rules\.r\.pattern\.source: must be a list of the values to match, not "frank\.order"/);
  });
});
