import { describe, expect, it } from 'vitest';
import { FrankError } from '../errors.js';
import { mapToLab, taskEnvironmentForLab, type LabStandIns } from './endpoint-map.js';

const lab: LabStandIns = {
  host: '127.0.0.1',
  postgres: new Map([['frank-order-db.rehearsal.invalid:5434', 25434]]),
  rabbitmqUrl: 'amqp://frank:local@127.0.0.1:25672',
  mongoUrl: 'mongodb://127.0.0.1:47017/?directConnection=true',
  redisUrl: 'redis://:local@127.0.0.1:26379',
  servicePorts: new Map([
    ['inventory', 23002],
    ['order', 23003],
  ]),
  serviceNamespace: 'frank.local',
  unleash: { name: 'unleash', port: 25242, clientToken: 'default:development.lab' },
  aws: { endpoint: 'http://127.0.0.1:24566', accessKeyId: 'frank', secretAccessKey: 'local' },
};

describe('mapToLab', () => {
  it("points an RDS URL at the PostgreSQL standing in, keeps the role's credentials and drops TLS", () => {
    expect(mapToLab('postgres://order_service:s3cret@frank-order-db.rehearsal.invalid:5434/order_service?sslmode=require', lab)).toBe(
      'postgres://order_service:s3cret@127.0.0.1:25434/order_service',
    );
  });

  it('gives the local broker, document store and cache for Amazon MQ, DocumentDB and ElastiCache', () => {
    expect(mapToLab('amqps://frank:x@b-1.mq.us-east-1.amazonaws.com:5671', lab)).toBe(lab.rabbitmqUrl);
    expect(mapToLab('mongodb://u:p@docs.rehearsal.invalid:27017/?tls=true&replicaSet=rs0', lab)).toBe(lab.mongoUrl);
    expect(mapToLab('rediss://:token@cache.rehearsal.invalid:6379', lab)).toBe(lab.redisUrl);
  });

  it('maps service discovery names to the local services and leaves every other value alone', () => {
    expect(mapToLab('http://inventory.frank.local:3002', lab)).toBe('http://127.0.0.1:23002');
    expect(mapToLab('http://unleash.frank.local:4242/api', lab)).toBe('http://127.0.0.1:25242/api');
    expect(mapToLab('https://example.com/x', lab)).toBe('https://example.com/x');
    expect(mapToLab('3000', lab)).toBe('3000');
    expect(mapToLab('us-east-1', lab)).toBe('us-east-1');
  });

  it('says which endpoint nothing local stands in for', () => {
    expect(() => mapToLab('postgres://a:b@elsewhere:5432/x', lab)).toThrow(FrankError);
    expect(() => mapToLab('postgres://a:b@elsewhere:5432/x', lab)).toThrow('No local PostgreSQL stands in for elsewhere:5432.');
    expect(() => mapToLab('http://billing.frank.local:3020', lab)).toThrow('No local service stands in for billing.frank.local.');
  });
});

describe('taskEnvironmentForLab', () => {
  it("points a flags reader at the rehearsal lab's Unleash with that Unleash's own client token", () => {
    const { env, notes } = taskEnvironmentForLab(
      'payment',
      { UNLEASH_URL: 'http://unleash.frank.local:4242/api', UNLEASH_TOKEN: 'default:development.generated-by-secrets-manager' },
      lab,
    );
    expect(env).toEqual({ UNLEASH_URL: 'http://127.0.0.1:25242/api', UNLEASH_TOKEN: 'default:development.lab' });
    expect(notes).toEqual(['UNLEASH_URL', "UNLEASH_TOKEN (the rehearsal lab's Unleash knows its own client token, not the generated one)"]);
  });

  it('listens on the lab address at the local port, and gives the emulator in place of the task role', () => {
    const { env, notes } = taskEnvironmentForLab(
      'order',
      { HOST: '0.0.0.0', PORT: '3003', NODE_ENV: 'production', INVENTORY_URL: 'http://inventory.frank.local:3002', AWS_REGION: 'us-east-1' },
      lab,
    );
    expect(env).toEqual({
      HOST: '127.0.0.1',
      PORT: '23003',
      NODE_ENV: 'production',
      INVENTORY_URL: 'http://127.0.0.1:23002',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:24566',
      AWS_ACCESS_KEY_ID: 'frank',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    expect(notes).toEqual(['HOST', 'PORT', 'INVENTORY_URL', 'AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the emulator, for the task role)']);
  });
});
