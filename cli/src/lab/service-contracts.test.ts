import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkEnvironment } from '@frank/kit/settings';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { FRANK_YAML, testCredentials } from '../runtimes/docker/test-fixtures.js';
import { labParts } from './lab-console.js';
import { assertContracts, contractOf, contractProblems, loadServiceContracts, type ServiceContracts } from './service-contracts.js';
import { serviceEnvironment } from './service-env.js';
import { loadTopology, parseTopology, type Topology } from './topology.js';

let topology: Topology;
let contracts: ServiceContracts;

beforeAll(async () => {
  topology = await loadTopology(FRANK_YAML, { portOffset: 100 });
  contracts = await loadServiceContracts(topology);
}, 60_000);

/** The repository's frank.yaml with one service's entry replaced. */
async function withService(name: string, entry: string): Promise<Topology> {
  const text = await readFile(FRANK_YAML, 'utf8');
  const replaced = text.replace(new RegExp(`^  ${name}:.*(\\n    .*)*`, 'm'), `  ${name}: ${entry}`);
  expect(replaced).not.toBe(text);
  return parseTopology(replaced, path.join(path.dirname(FRANK_YAML), 'frank.yaml'));
}

describe("each service's settings (src/settings.ts)", () => {
  it('are declared by every service of frank.yaml, with the kit common settings', () => {
    expect([...contracts.keys()].sort()).toEqual(topology.services.map((s) => s.name).sort());
    for (const contract of contracts.values()) {
      const names = contract.described.map((d) => d.name);
      expect(names, contract.service).toEqual(expect.arrayContaining(['HOST', 'PORT', 'LOG_LEVEL', 'NODE_ENV']));
      expect(contract.described.find((d) => d.name === 'PORT')!.required).toBe(true);
    }
    // The bridges also declare what their Lambda form reads.
    expect(contractOf(contracts, 'eventbridge-bridge').lambda?.map((d) => d.name)).toContain('AMQP_URL_SECRET_ARN');
    expect(contractOf(contracts, 'rabbitmq-bridge').lambda?.map((d) => d.name)).toContain('AWS_REGION');
  });

  it("agree with the repository's frank.yaml", () => {
    expect(() => assertContracts(topology, contracts)).not.toThrow();
  });

  it('are what the native runtime gives, no more: every required setting, nothing a service does not read', () => {
    for (const service of topology.services) {
      const declared = contractOf(contracts, service.name).described;
      const env = serviceEnvironment(service, topology, testCredentials(), declared, {
        lab: labParts({ topology }, testCredentials()),
        runtime: { NODE_ENV: 'development' },
      });
      expect(checkEnvironment(declared, Object.keys(env)), service.name).toEqual([]);
      expect(env.PORT).toBe(String(service.port));
    }
    const env = (name: string) =>
      serviceEnvironment(
        topology.services.find((s) => s.name === name)!,
        topology,
        testCredentials(),
        contractOf(contracts, name).described,
      );
    expect(Object.keys(env('inventory')).sort()).toEqual([
      'AMQP_URL',
      'AWS_ACCESS_KEY_ID',
      'AWS_ENDPOINT_URL',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
      'DATABASE_URL',
      'HOST',
      'PORT',
    ]);
    expect(env('payment')).toMatchObject({ PAYMENT_PROVIDER_URL: `http://127.0.0.1:${3010 + 100}`, PAYMENT_TIMEOUT_MS: '3000' });
    expect(env('payment')).not.toHaveProperty('JWT_SECRET');
  });
});

describe('frank.yaml against the settings', () => {
  it('names an env key the service does not read, with the settings it has', async () => {
    const lab = await withService('payment', '{ port: 3004, uses: [payment-db, rabbitmq], env: { PAYMENT_TIMEOUT: 3000 } }');
    const problems = contractProblems(
      lab.services.find((s) => s.name === 'payment')!,
      lab,
      contractOf(contracts, 'payment'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^services\.payment\.env\.PAYMENT_TIMEOUT: payment does not read PAYMENT_TIMEOUT \(its settings: PAYMENT_TIMEOUT_MS, /),
    ]);
  });

  it('refuses a value the service would refuse, and a setting the lab gives itself', async () => {
    const lab = await withService('payment', '{ port: 3004, uses: [payment-db, rabbitmq], env: { PAYMENT_TIMEOUT_MS: soon, DATABASE_URL: "postgres://x" } }');
    const problems = contractProblems(
      lab.services.find((s) => s.name === 'payment')!,
      lab,
      contractOf(contracts, 'payment'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^services\.payment\.env\.PAYMENT_TIMEOUT_MS: "soon" is refused: /),
      'services.payment.env.DATABASE_URL: the lab sets DATABASE_URL itself (its own role on its own database); remove it from env',
    ]);
  });

  it('names a resource a service needs and does not use, and one it uses and reads nothing of', async () => {
    const lab = await withService('order', '{ port: 3003, uses: [order-db, redis] }');
    const problems = contractProblems(
      lab.services.find((s) => s.name === 'order')!,
      lab,
      contractOf(contracts, 'order'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^services\.order\.uses: redis \(redis\): order reads nothing of it \(services\/order\/src\/settings\.ts declares no REDIS_URL\)/),
      expect.stringMatching(/^services\.order\.uses: order needs a rabbitmq resource \(AMQP_URL: /),
    ]);
  });

  it('is refused as a whole with every problem, as a usage error naming frank.yaml', async () => {
    const lab = await withService('order', '{ port: 3003, uses: [order-db], env: { SPEED: fast } }');
    let thrown: unknown;
    try {
      assertContracts(lab, contracts);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toContain(`${lab.file}: `);
    expect((thrown as Error).message).toContain('services.order.env.SPEED: order does not read SPEED');
    expect((thrown as Error).message).toContain('services.order.uses: order needs a rabbitmq resource');
  });

  it('names a service a service needs that frank.yaml does not declare', async () => {
    const text = (await readFile(FRANK_YAML, 'utf8')).replace(/^  inventory: .*\n/m, '');
    const lab = parseTopology(text, path.join(path.dirname(FRANK_YAML), 'frank.yaml'));
    const problems = contractProblems(
      lab.services.find((s) => s.name === 'order')!,
      lab,
      contractOf(contracts, 'order'),
    );
    expect(problems).toEqual([expect.stringMatching(/^services\.order: order needs service inventory \(INVENTORY_URL: /)]);
  });
});
