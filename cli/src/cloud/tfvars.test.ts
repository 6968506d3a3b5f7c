import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { loadServiceContracts, type ServiceContracts } from '../lab/service-contracts.js';
import { loadTopology, parseTopology } from '../lab/topology.js';
import { IMAGES } from '../runtimes/docker/images.js';
import { unleashApiTokens } from '../runtimes/unleash-tokens.js';
import { renderTfvars, tfvarsFromTopology } from './tfvars.js';

const FRANK_YAML = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../frank.yaml');

const SMALL_LAB = `
version: 1
resources:
  orders-db: { kind: postgres, port: 5434, databases: { order_service: [order_domain], audit: [] } }
  rabbitmq: { kind: rabbitmq, port: 5672, exchanges: { frank.events: topic } }
  mongo: { kind: mongo, port: 27017 }
  redis: { kind: redis, port: 6379 }
  aws:
    kind: aws
    port: 4566
    region: eu-west-1
    buses: [ext]
    queues: [q]
    rules:
      r1: { bus: ext, target: q, pattern: { source: [a], detail-type: [b], detail: { z: [1], a: ["x"] } } }
      nightly: { schedule: rate(1 minute), cloudSchedule: cron(0 3 * * ? *), target: q }
      hourly: { schedule: rate(1 hour), target: q }
    archives:
      kept: { bus: ext, pattern: { source: [a], detail-type: [b, c] }, retentionDays: 14 }
      all: { bus: ext, retentionDays: 30 }
  toxiproxy: { kind: toxiproxy, port: 8474, proxyPorts: 8480 }
services:
  order: { port: 3003, uses: [orders-db, rabbitmq] }
  bff: { port: 3000, uses: [mongo, redis] }
`;

let contracts: ServiceContracts;
beforeAll(async () => {
  contracts = await loadServiceContracts(await loadTopology(FRANK_YAML));
}, 60_000);

async function fmtCheck(text: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'frank-tfvars-'));
  await writeFile(path.join(dir, 'lab.tfvars'), text);
  return execa('terraform', ['fmt', '-check', '-diff', 'lab.tfvars'], { cwd: dir, reject: false, env: { TF_CLI_CONFIG_FILE: '/dev/null' } });
}

describe('tfvarsFromTopology', () => {
  it("keeps Unleash in a service's uses and describes it for terraform/modules/flags: the pinned image, the lab's token format", () => {
    const lab = SMALL_LAB.replace(
      '  toxiproxy:',
      '  flags-db: { kind: postgres, port: 5439, databases: { unleash: [] } }\n  unleash: { kind: unleash, port: 4242, postgres: flags-db, database: unleash }\n  toxiproxy:',
    ).replace('uses: [orders-db, rabbitmq]', 'uses: [orders-db, rabbitmq, unleash]');
    const vars = tfvarsFromTopology(parseTopology(lab, 'frank.yaml', { portOffset: 100 }), contracts);
    expect(vars.services.order?.uses).toEqual(['orders-db', 'rabbitmq', 'unleash']);
    expect(vars.unleash).toEqual({
      name: 'unleash',
      port: 4242,
      postgres: 'flags-db',
      database: 'unleash',
      image: IMAGES.unleash,
      admin_token_prefix: '*:*.',
      client_token_prefix: 'default:development.',
    });
    // The same format as the lab's own tokens.
    const labTokens = unleashApiTokens({ adminSecret: 'a', clientSecret: 'c' });
    expect([`${vars.unleash?.admin_token_prefix}a`, `${vars.unleash?.client_token_prefix}c`]).toEqual([labTokens.admin, labTokens.client]);
  });

  it('writes unleash = null for a lab without Unleash: envs/aws then runs none', () => {
    expect(tfvarsFromTopology(parseTopology(SMALL_LAB, 'frank.yaml'), contracts).unleash).toBeNull();
    expect(renderTfvars(tfvarsFromTopology(parseTopology(SMALL_LAB, 'frank.yaml'), contracts))).toContain('\nunleash = null\n');
  });

  it("leaves FerretDB's PostgreSQL database out: on AWS, DocumentDB holds the documents", async () => {
    const topology = await loadTopology(FRANK_YAML);
    expect(topology.resources.find((r) => r.kind === 'mongo')).toMatchObject({ postgres: 'infrastructure-db', database: 'ferretdb' });
    expect(tfvarsFromTopology(topology, contracts).databases['infrastructure-db']?.database_names).toEqual(['sonarqube', 'unleash']);
  });

  it('maps databases, services, buses, queues, rules and archives by their frank.yaml names', () => {
    const vars = tfvarsFromTopology(parseTopology(SMALL_LAB, 'frank.yaml'), contracts);
    expect(vars).toEqual({
      region: 'eu-west-1',
      databases: { 'orders-db': { database_names: ['audit', 'order_service'], port: 5434, schemas: { audit: [], order_service: ['order_domain'] } } },
      // What each reads beyond its uses, from its src/settings.ts: order calls inventory, which this lab lacks.
      services: {
        bff: { port: 3000, uses: ['mongo', 'redis'], calls: ['order'], secrets: ['jwt'], environment: {} },
        order: { port: 3003, uses: ['orders-db', 'rabbitmq'], calls: [], secrets: ['jwt'], environment: {} },
      },
      broker: { name: 'rabbitmq', exchanges: { 'frank.events': 'topic' } },
      documents: { name: 'mongo', port: 27017 },
      cache: { name: 'redis', port: 6379 },
      aws_resource: 'aws',
      buses: ['ext'],
      queues: ['q'],
      rules: { r1: { bus: 'ext', target: 'q', pattern: '{"detail":{"a":["x"],"z":[1]},"detail-type":["b"],"source":["a"]}' } },
      // AWS gets cloudSchedule where frank.yaml gives one, else the lab's rate().
      schedules: { hourly: { target: 'q', schedule_expression: 'rate(1 hour)' }, nightly: { target: 'q', schedule_expression: 'cron(0 3 * * ? *)' } },
      // An archive without a pattern keeps every event of its bus: pattern null, which Terraform leaves unset.
      archives: {
        all: { bus: 'ext', pattern: null, retention_days: 30 },
        kept: { bus: 'ext', pattern: '{"detail-type":["b","c"],"source":["a"]}', retention_days: 14 },
      },
      buckets: [],
      unleash: null,
    });
  });

  it('sorts map keys so the same lab always gives the same variables', () => {
    const vars = tfvarsFromTopology(parseTopology(SMALL_LAB, 'frank.yaml'), contracts);
    expect(Object.keys(vars.services)).toEqual(['bff', 'order']);
    expect(JSON.parse(vars.rules.r1!.pattern)).toEqual({ source: ['a'], 'detail-type': ['b'], detail: { z: [1], a: ['x'] } });
  });

  it('ignores a local --port-offset: the cloud uses frank.yaml ports', () => {
    const plain = tfvarsFromTopology(parseTopology(SMALL_LAB, 'frank.yaml'), contracts);
    const shifted = tfvarsFromTopology(parseTopology(SMALL_LAB, 'frank.yaml', { portOffset: 100 }), contracts);
    expect(shifted).toEqual(plain);
  });

  it('says which resource kind the AWS deployment is missing', () => {
    const withoutRedis = SMALL_LAB.replace(/^ {2}redis:.*\n/m, '').replace('uses: [mongo, redis]', 'uses: [mongo]');
    const topology = parseTopology(withoutRedis, '/lab/frank.yaml');
    expect(() => tfvarsFromTopology(topology, contracts)).toThrow(UsageError);
    expect(() => tfvarsFromTopology(topology, contracts)).toThrow(
      /\/lab\/frank\.yaml: resources: .*exactly one resource of kind redis .*ElastiCache Redis.*found none/,
    );
  });

  it('refuses two brokers, naming both', () => {
    const twoBrokers = SMALL_LAB.replace('  mongo:', '  rabbitmq-2: { kind: rabbitmq, port: 5673 }\n  mongo:');
    expect(() => tfvarsFromTopology(parseTopology(twoBrokers, 'frank.yaml'), contracts)).toThrow(/kind rabbitmq .*found 2: rabbitmq, rabbitmq-2/);
  });
});

describe('renderTfvars', () => {
  it('writes tfvars that terraform fmt leaves alone', async () => {
    const text = renderTfvars(tfvarsFromTopology(parseTopology(await readFile(FRANK_YAML, 'utf8'), FRANK_YAML), contracts));
    const result = await fmtCheck(text);
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('is checked by a terraform fmt that catches unaligned tfvars', async () => {
    const result = await fmtCheck('a = {\n  x = 1\n  long = 2\n}\n');
    expect(result.exitCode).not.toBe(0);
  });

  it('round-trips through an HCL parser to the same values', async () => {
    const vars = tfvarsFromTopology(parseTopology(SMALL_LAB, 'frank.yaml'), contracts);
    expect(await parse('lab.tfvars', renderTfvars(vars))).toEqual(vars);
  });

  it('quotes map keys that are not identifiers and aligns = the way terraform fmt does', () => {
    const text = renderTfvars({ services: { 'payment-provider': { port: 3010 }, bff: { port: 3000, uses: ['redis'] } } });
    expect(text).toContain(
      ['services = {', '  bff = {', '    port = 3000', '    uses = ["redis"]', '  }', '  "payment-provider" = {', '    port = 3010', '  }', '}'].join('\n'),
    );
  });

  it('escapes quotes, backslashes, newlines and template sequences in strings', async () => {
    const value = 'say "hi"\\ ${not.a.reference} %{nor.a.directive}\nnext line';
    const text = renderTfvars({ note: value, empty_map: {}, empty_list: [], flag: true, nothing: null });
    expect(text).toContain('note = "say \\"hi\\"\\\\ $${not.a.reference} %%{nor.a.directive}\\nnext line"');
    expect(text).toContain('empty_map = {}');
    expect(text).toContain('empty_list = []');
    expect((await fmtCheck(text)).exitCode).toBe(0);
    const parsed = await parse('lab.tfvars', text);
    expect(parsed).toMatchObject({ empty_map: {}, empty_list: [], flag: true, nothing: null });
  });

  it('is deterministic whatever order the keys come in', () => {
    expect(renderTfvars({ b: 1, a: { y: 2, x: 1 } })).toBe(renderTfvars({ a: { x: 1, y: 2 }, b: 1 }));
  });

  it('rejects a variable name Terraform would not accept', () => {
    expect(() => renderTfvars({ 'user-db': 1 })).toThrow(/not a valid Terraform variable name/);
  });
});
