import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { loadTopology, type Topology } from '../lab/topology.js';
import { FRANK_YAML } from '../runtimes/docker/test-fixtures.js';
import { parseFault } from './fault-spec.js';
import { parseEventType } from './saga-events.js';

let topology: Topology;
beforeAll(async () => {
  topology = await loadTopology(FRANK_YAML);
});

const parse = (line: string, flags = {}) => parseFault(line.split(' '), topology, flags);
const usage = (line: string, flags = {}) => {
  try {
    parse(line, flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`"${line}" was accepted`);
};

describe('kill faults', () => {
  it('kill-db takes a service and kills its database, or the database by name', () => {
    expect(parse('kill-db payment')).toEqual({ kind: 'kill', command: 'kill-db', unit: 'payment-db', label: 'kill-db payment-db' });
    expect(parse('kill-db order-db')).toMatchObject({ unit: 'order-db' });
    expect(parse('kill-db infrastructure-db')).toMatchObject({ unit: 'infrastructure-db' });
  });

  it('kill-broker needs no name; kill-service takes any service', () => {
    expect(parse('kill-broker')).toEqual({ kind: 'kill', command: 'kill-broker', unit: 'rabbitmq', label: 'kill-broker' });
    expect(parseFault(['kill-broker'], topology)).toMatchObject({ unit: 'rabbitmq' });
    expect(parse('kill-service inventory')).toEqual({ kind: 'kill', command: 'kill-service', unit: 'inventory', label: 'kill-service inventory' });
  });

  it('an unknown service or database lists the allowed ones', () => {
    const error = usage('kill-db billing');
    expect(error.message).toBe(`No service or database "billing" in ${FRANK_YAML}.`);
    expect(error.hint).toBe(
      'Use a service with a database (user, inventory, order, payment, notification, analytics) or a database (user-db, inventory-db, order-db, payment-db, notification-db, analytics-db, infrastructure-db).',
    );
    expect(usage('kill-db bff').message).toBe('Service bff has no database.');
    const service = usage('kill-service billing');
    expect(service.message).toBe(`No service "billing" in ${FRANK_YAML}.`);
    expect(service.hint).toMatch(/^Use one of: bff, user, inventory, order, payment/);
    expect(usage('kill-broker redis').hint).toBe('Use one of: rabbitmq.');
  });
});

describe('link faults', () => {
  it('latency on a resource means every link to it, with its jitter', () => {
    expect(parse('latency order-db 300ms', { jitter: '50ms' })).toEqual({
      kind: 'link',
      command: 'latency',
      target: 'order-db',
      links: ['order.order-db'],
      toxic: { type: 'latency', attributes: { latency: 300, jitter: 50 } },
      label: 'latency order-db 300ms±50ms',
    });
    const broker = parse('latency rabbitmq 1s');
    expect(broker.kind === 'link' && broker.links).toEqual(topology.links.filter((l) => l.resource === 'rabbitmq').map((l) => l.name));
    expect(broker.kind === 'link' && broker.links.length).toBeGreaterThan(5);
    expect(broker.label).toBe('latency rabbitmq 1s');
  });

  it('partition cuts the one link from the service to the resource', () => {
    expect(parse('partition payment rabbitmq')).toEqual({
      kind: 'link',
      command: 'partition',
      target: 'payment.rabbitmq',
      links: ['payment.rabbitmq'],
      label: 'partition payment.rabbitmq',
    });
    expect(parse('partition payment.rabbitmq')).toMatchObject({ links: ['payment.rabbitmq'] });
    expect(parse('partition payment')).toMatchObject({ links: ['payment.payment-db', 'payment.rabbitmq', 'payment.unleash'] });
  });

  it('the other toxics take their own amounts', () => {
    expect(parse('timeout order-db')).toMatchObject({ toxic: { type: 'timeout', attributes: { timeout: 0 } }, label: 'timeout order-db' });
    expect(parse('timeout order-db 2s')).toMatchObject({ toxic: { type: 'timeout', attributes: { timeout: 2000 } }, label: 'timeout order-db 2s' });
    expect(parse('reset-peer payment.payment-db 100ms')).toMatchObject({
      links: ['payment.payment-db'],
      toxic: { type: 'reset_peer', attributes: { timeout: 100 } },
    });
    expect(parse('bandwidth mongo 16KB/s')).toMatchObject({ links: ['bff.mongo', 'views.mongo'], toxic: { type: 'bandwidth', attributes: { rate: 16 } } });
    expect(parse('bandwidth redis 8')).toMatchObject({ toxic: { type: 'bandwidth', attributes: { rate: 8 } } });
    expect(parse('limit-data aws 64kb')).toMatchObject({ toxic: { type: 'limit_data', attributes: { bytes: 65536 } }, label: 'limit-data aws 64kb' });
  });

  it('an unknown target lists resources, services and the link form', () => {
    const error = usage('latency ordr-db 300ms');
    expect(error.message).toBe(`No resource, service or link "ordr-db" in ${FRANK_YAML}.`);
    expect(error.hint).toMatch(
      /^Use a resource \(every link to it: user-db, inventory-db, order-db, payment-db, notification-db, analytics-db, rabbitmq, mongo, redis, aws, unleash\)/,
    );
    expect(error.hint).toMatch(/one link <service>\.<resource> \(e\.g\. bff\.mongo\)/);
    expect(usage('latency toxiproxy 1s').message).toBe(`No service reaches toxiproxy through Toxiproxy: there is no link to fault.`);
    expect(usage('latency infrastructure-db 1s').message).toMatch(/No service reaches infrastructure-db/);
  });

  it('a partition between a service and what it does not use names what it does use', () => {
    const error = usage('partition payment mongo');
    expect(error.message).toBe('Service payment does not use "mongo": there is no link payment.mongo.');
    expect(error.hint).toBe('payment uses payment-db, rabbitmq, unleash: e.g. `frank chaos partition payment payment-db`.');
    expect(usage('partition billing rabbitmq').message).toBe(`No service "billing" in ${FRANK_YAML}.`);
  });

  it('malformed amounts and durations are usage errors naming the value', () => {
    expect(usage('latency order-db 10x').message).toBe('The latency takes a duration such as 500ms, 10s or 2m, not "10x".');
    expect(usage('latency order-db -5s').message).toMatch(/not "-5s" \(durations are not negative\)/);
    expect(usage('latency order-db 0ms').message).toBe('The latency must be longer than 0, not "0ms".');
    expect(usage('latency order-db 300ms', { jitter: 'lots' }).message).toMatch(/^--jitter takes a duration/);
    expect(usage('bandwidth redis fast').message).toBe('The bandwidth takes a rate in KB/s such as 64 or 64KB/s, not "fast".');
    expect(usage('limit-data aws 0').message).toMatch(/^The data limit takes a size/);
  });

  it('wrong arity, a flag that does not belong and an unknown fault are usage errors', () => {
    const missing = usage('latency order-db');
    expect(missing.message).toBe('Missing arguments for latency: "order-db".');
    expect(missing.hint).toBe('Usage: frank chaos latency <target> <latency> [--jitter <duration>]');
    expect(usage('kill-db payment order').message).toBe('Too many arguments for kill-db: "payment" "order".');
    expect(usage('partition').message).toBe('Missing arguments for partition: none given.');
    expect(usage('kill-db payment', { jitter: '5ms' }).message).toBe('--jitter goes with latency, not with kill-db.');
    const unknown = usage('explode payment');
    expect(unknown.message).toBe('"explode" is not a fault.');
    expect(unknown.hint).toMatch(/kill-db, kill-broker, kill-service, latency, timeout, reset-peer, bandwidth, limit-data, partition/);
  });
});

describe('flag faults', () => {
  it("kill-switch takes a service and flips its kill switch (the contracts' flag of type kill-switch)", () => {
    expect(parse('kill-switch payment')).toEqual({
      kind: 'flag',
      command: 'kill-switch',
      service: 'payment',
      flag: 'payment.kill-switch',
      label: 'kill-switch payment',
    });
  });

  it('a service without a kill switch, or no service, is a usage error naming those that have one', () => {
    expect(usage('kill-switch order').message).toBe('Service order has no kill switch.');
    expect(usage('kill-switch order').hint).toBe('Services with a kill switch: payment.');
    expect(usage('kill-switch billing').message).toMatch(/^No service "billing" in /);
    expect(usage('kill-switch').message).toMatch(/^Missing arguments for kill-switch/);
  });
});

describe('--when', () => {
  it('takes a saga event type and lists them otherwise', () => {
    expect(parseEventType('inventory.reserved')).toBe('inventory.reserved');
    expect(() => parseEventType('inventory.reserve')).toThrow('--when takes a saga event type, not "inventory.reserve".');
  });
});
