import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkEnvironment, defineSettings, describeSettings, readSettings, setting } from './settings.js';

const settings = defineSettings({
  DATABASE_URL: setting.database(),
  JWT_SECRET: setting.secret('jwt', z.string().min(16), 'signs tokens'),
  INVENTORY_URL: setting.service('inventory'),
  TIMEOUT_MS: setting.tunable(z.coerce.number().int().positive().default(3000), 'gives up after this long'),
});

describe('readSettings', () => {
  it('parses what is given and fills the defaults', () => {
    const values = readSettings(settings, {
      PORT: '3003',
      DATABASE_URL: 'postgres://a@b/c',
      JWT_SECRET: 'x'.repeat(16),
      INVENTORY_URL: 'http://127.0.0.1:3002',
    });
    expect(values).toMatchObject({ HOST: '127.0.0.1', PORT: 3003, LOG_LEVEL: 'info', TIMEOUT_MS: 3000, INVENTORY_URL: 'http://127.0.0.1:3002' });
  });

  it('names every missing or refused setting at once, with what it is for', () => {
    expect(() => readSettings(settings, { PORT: 'x', JWT_SECRET: 'short', INVENTORY_URL: 'not a url', TIMEOUT_MS: '' })).toThrow(
      /^Bad service configuration: PORT \(the port it listens on\): .+; DATABASE_URL \(its own role on its own database\): not set; JWT_SECRET \(signs tokens\): .+; INVENTORY_URL \(inventory-service\): .+$/,
    );
  });
});

describe('defineSettings', () => {
  it('refuses a name that does not match where the value comes from', () => {
    expect(() => defineSettings({ DB_URL: setting.database() })).toThrow('setting DB_URL: a postgres URL is read from DATABASE_URL');
    expect(() => defineSettings({ STOCK_URL: setting.service('inventory') })).toThrow('setting STOCK_URL: a URL of inventory is read from INVENTORY_URL');
  });
});

describe('describeSettings and checkEnvironment', () => {
  it('say what is required and what is a credential', () => {
    const described = Object.fromEntries(describeSettings(settings).map((d) => [d.name, d]));
    expect(described.DATABASE_URL).toMatchObject({ required: true, sensitive: true, source: { from: 'dependency', kind: 'postgres' } });
    expect(described.JWT_SECRET).toMatchObject({ required: true, sensitive: true });
    expect(described.TIMEOUT_MS).toMatchObject({ required: false, sensitive: false });
    expect(described.HOST).toMatchObject({ required: false });
  });

  it('find a required setting not given and a variable nobody reads', () => {
    const described = describeSettings(settings);
    expect(checkEnvironment(described, ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'INVENTORY_URL'])).toEqual([]);
    expect(checkEnvironment(described, ['PORT', 'DATABASE_URL', 'INVENTORY_URL', 'SERVICE_NAME', 'DATABASE_HOST'])).toEqual([
      'JWT_SECRET is required (signs tokens) and not given',
      'DATABASE_HOST is given and not read',
      'SERVICE_NAME is given and not read',
    ]);
    expect(checkEnvironment(described, ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'INVENTORY_URL', 'FRANK_LAB_ID'], ['FRANK_LAB_ID'])).toEqual([]);
  });
});
