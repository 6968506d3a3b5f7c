import { HttpError } from '@frank/kit';
import { describe, expect, it } from 'vitest';
import { parseFaultRequest, type KnownUnits } from './fault-request.js';

const known: KnownUnits = {
  names: new Map([
    ['order-db', 'postgres'],
    ['payment-db', 'postgres'],
    ['rabbitmq', 'rabbitmq'],
    ['bff', 'service'],
    ['inventory', 'service'],
    ['payment', 'service'],
  ]),
};

function refusal(body: unknown): { status: number; field: unknown; message: string } {
  try {
    parseFaultRequest(body, known);
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, field: error.details.field, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseFaultRequest', () => {
  it('turns a request into the words of frank chaos', () => {
    expect(parseFaultRequest({ kind: 'latency', target: 'order-db', value: '300ms', for: '30s' }, known)).toEqual({
      kind: 'latency',
      words: ['latency', 'order-db', '300ms'],
      for: '30s',
    });
    expect(parseFaultRequest({ kind: 'kill-service', target: 'inventory' }, known)).toEqual({
      kind: 'kill-service',
      words: ['kill-service', 'inventory'],
      for: undefined,
    });
    expect(parseFaultRequest({ kind: 'partition', target: 'payment', resource: 'rabbitmq', for: '' }, known).words).toEqual([
      'partition',
      'payment',
      'rabbitmq',
    ]);
    expect(parseFaultRequest({ kind: 'kill-broker' }, known).words).toEqual(['kill-broker']);
    expect(parseFaultRequest({ kind: 'timeout', target: 'payment.rabbitmq' }, known).words).toEqual(['timeout', 'payment.rabbitmq']);
    // Before the first frame the names are not known here: the CLI checks them against frank.yaml.
    expect(parseFaultRequest({ kind: 'kill-db', target: 'someone-db' }).words).toEqual(['kill-db', 'someone-db']);
  });

  it('refuses what is not a fault of frank chaos, naming the field', () => {
    expect(refusal(null)).toMatchObject({ status: 400, field: 'body' });
    expect(refusal({ kind: 'rm-rf', target: 'order-db' })).toMatchObject({ status: 400, field: 'kind' });
    expect(refusal({ kind: 'latency', target: 'order-db; reboot', value: '300ms' })).toMatchObject({ status: 400, field: 'target' });
    expect(refusal({ kind: 'latency', target: '--help', value: '300ms' })).toMatchObject({ status: 400, field: 'target' });
    expect(refusal({ kind: 'latency', target: 42, value: '300ms' })).toMatchObject({ status: 400, field: 'target' });
  });

  it('refuses an empty or invalid duration', () => {
    expect(refusal({ kind: 'latency', target: 'order-db', value: '' })).toMatchObject({
      status: 400,
      field: 'value',
      message: 'value: give a latency such as 300ms',
    });
    expect(refusal({ kind: 'latency', target: 'order-db', value: '300' })).toMatchObject({ status: 400, field: 'value' });
    expect(refusal({ kind: 'latency', target: 'order-db', value: '0ms' })).toMatchObject({ status: 400, field: 'value' });
    expect(refusal({ kind: 'latency', target: 'order-db', value: '300ms', for: 'soon' })).toMatchObject({
      status: 400,
      field: 'for',
      message: 'for: takes a duration such as 500ms, 10s or 2m, not "soon"',
    });
    expect(refusal({ kind: 'kill-db', target: 'order-db', for: '25h' })).toMatchObject({ status: 400, field: 'for' });
    expect(refusal({ kind: 'bandwidth', target: 'order-db', value: '-1' })).toMatchObject({ status: 400, field: 'value' });
  });

  it("refuses names the lab does not have, or of the wrong kind, and the console's own server", () => {
    expect(refusal({ kind: 'latency', target: 'mysql', value: '300ms' })).toMatchObject({
      status: 422,
      field: 'target',
      message: expect.stringContaining('"mysql" is not in the lab'),
    });
    expect(refusal({ kind: 'kill-service', target: 'order-db' })).toMatchObject({
      status: 422,
      field: 'target',
      message: expect.stringContaining('is a postgres'),
    });
    expect(refusal({ kind: 'kill-service', target: 'bff' })).toMatchObject({
      status: 422,
      field: 'target',
      message: expect.stringContaining('serves this console'),
    });
    expect(refusal({ kind: 'partition', target: 'payment', resource: 'inventory' })).toMatchObject({ status: 422, field: 'resource' });
    expect(refusal({ kind: 'timeout', target: 'order-db.payment' })).toMatchObject({ status: 422, field: 'target' });
  });
});
