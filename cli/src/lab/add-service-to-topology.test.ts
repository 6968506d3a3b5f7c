import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { addServiceToTopology, type NewServiceEntry } from './add-service-to-topology.js';
import { parseTopology } from './topology.js';

const entry: NewServiceEntry = {
  service: 'shipping',
  port: 3013,
  uses: ['shipping-db', 'broker'],
  database: { resource: 'shipping-db', port: 5440, name: 'shipping_service', schemas: ['shipping_domain', 'saga_coord', 'event_store'] },
};

const base = `version: 1
resources:
  a-db:
    kind: postgres
    port: 5432        # a comment kept where it is
    databases:
      a_service: [a_domain]

  broker:
    kind: rabbitmq
    port: 5672
  toxiproxy: { kind: toxiproxy, port: 8474, proxyPorts: 8480 }
`;

describe('addServiceToTopology', () => {
  it('adds a services block when there is none, and the database after the last postgres resource', () => {
    const text = addServiceToTopology(base, 'frank.yaml', entry);
    expect(text).toBe(
      base.replace(
        '      a_service: [a_domain]\n',
        '      a_service: [a_domain]\n  shipping-db:\n    kind: postgres\n    port: 5440\n    databases:\n      shipping_service: [shipping_domain, saga_coord, event_store]\n',
      ) + 'services:\n  shipping: { port: 3013, uses: [shipping-db, broker] }\n',
    );
    expect(parseTopology(text, 'frank.yaml').links.map((l) => l.name)).toEqual(['shipping.shipping-db', 'shipping.broker']);
  });

  it('appends to a block map of services at its indentation, below a trailing comment', () => {
    const text = addServiceToTopology(`${base}services:\n    a:\n      port: 3001\n      uses: [a-db]   # its link\n`, 'frank.yaml', entry);
    expect(text.endsWith('      uses: [a-db]   # its link\n    shipping: { port: 3013, uses: [shipping-db, broker] }\n')).toBe(true);
  });

  it('refuses a flow map of services, naming the line to add by hand', () => {
    expect(() => addServiceToTopology(`${base}services: {}\n`, 'frank.yaml', entry)).toThrow(/"services" must be a block map/);
  });

  it('checks the result with the loader: a port already taken is a usage error', () => {
    expect(() => addServiceToTopology(base, 'frank.yaml', { ...entry, database: { ...entry.database, port: 5672 } })).toThrow(UsageError);
  });
});
