import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { countHolds, evaluateExpectations } from './expectations.js';
import { seededRandom } from '@frank/kit/random';
import { drawOrder } from './load-driver.js';
import { parseDuration } from '../lab/duration.js';
import { listScenarios, parseScenario } from './scenario.js';

const minimal = 'name: mine\ndescription: one line\nmix:\n  - items: [{ sku: random }]\n';

function usageErrorOf(text: string): UsageError {
  try {
    parseScenario(text, 'my.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('scenario files', () => {
  it('parses the whole catalogue, each file named for its scenario', async () => {
    const scenarios = await listScenarios();
    expect(scenarios.map((s) => s.name)).toEqual([
      'duplicate-webhook',
      'flag-rollout',
      'happy-path',
      'mixed',
      'notification-failure',
      'out-of-stock',
      'oversell',
      'payment-declined',
      'payment-timeout',
    ]);
    for (const s of scenarios) expect(s.file.endsWith(`/${s.name}.yaml`)).toBe(true);
    const timeout = scenarios.find((s) => s.name === 'payment-timeout')!;
    expect(timeout.provider).toMatchObject({ timeoutRate: 1, lateWebhookDelayMs: 4500 });
    expect(timeout.expect).toMatchObject({ cancelled: 'all', refunded: 'all' });
  });

  it('fills the defaults', () => {
    expect(parseScenario(minimal, 'my.yaml')).toMatchObject({
      orders: 20,
      concurrency: 4,
      settleTimeoutMs: 60_000,
      provider: {},
      channels: {},
      stock: {},
      expect: {},
      mix: [{ weight: 1, items: [{ sku: 'random', qty: 1 }] }],
    });
  });

  it('names the file, the line, the key and the allowed keys of an unknown key', () => {
    const error = usageErrorOf(`${minimal}provider:\n  declineRat: 1\n`);
    expect(error.message).toBe(
      'my.yaml:6: provider: unknown key "declineRat" (allowed: latencyMs, declineRate, timeoutRate, lateWebhookDelayMs, duplicateWebhookRate)',
    );
    expect(usageErrorOf(`${minimal}oders: 5\n`).message).toMatch(
      /^my\.yaml:5: \(top level\): unknown key "oders" \(allowed: name, description, provider, channels, stock, orders, concurrency, rate, duration, settleTimeout, mix, expect, flags\)$/,
    );
    expect(usageErrorOf(`${minimal}expect:\n  confirmd: all\n`).message).toMatch(
      /my\.yaml:6: expect: unknown key "confirmd" \(allowed: confirmed, cancelled, rejected, released, refunded, notificationsFailed\)/,
    );
  });

  it('says what a value may be', () => {
    expect(usageErrorOf(`${minimal}provider:\n  declineRate: 1.5\n`).message).toBe('my.yaml:6: provider.declineRate: must be ≤ 1');
    expect(usageErrorOf(`${minimal}expect:\n  confirmed: most\n`).message).toMatch(
      /my\.yaml:6: expect\.confirmed: must be a count: a whole number, "all", "none", or a comparison/,
    );
    expect(usageErrorOf(`${minimal}settleTimeout: soon\n`).message).toBe('my.yaml:5: settleTimeout: takes a duration such as 500ms, 10s or 2m, not "soon"');
    expect(usageErrorOf(`${minimal}orders: 0\n`).message).toBe('my.yaml:5: orders: must be ≥ 1');
    expect(usageErrorOf('name: mine\ndescription: x\nmix:\n  - items: [{ sku: "no such sku!" }]\n').message).toMatch(
      /my\.yaml:4: mix\.0\.items\.0\.sku: must be "random" .* or a product SKU/,
    );
    expect(usageErrorOf('name: mine\ndescription: x\nmix: []\n').message).toBe('my.yaml:3: mix: needs at least 1 entry');
    expect(usageErrorOf('description: x\nmix:\n  - items: [{ sku: random }]\n').message).toBe('my.yaml: name: is required (string)');
  });

  it('reads flag flips, on or off, each after a share of the orders, and names a bad one', () => {
    const scenario = parseScenario(
      `${minimal}flags:\n  - { flag: payment.provider-v2, set: on, after: 50% }\n  - { flag: notification.sms, set: false, after: 100% }\n`,
      'my.yaml',
    );
    expect(scenario.flags).toEqual([
      { flag: 'payment.provider-v2', set: true, after: 50 },
      { flag: 'notification.sms', set: false, after: 100 },
    ]);
    expect(parseScenario(minimal, 'my.yaml').flags).toEqual([]);
    expect(usageErrorOf(`${minimal}flags:\n  - { flag: payment.v3, set: on, after: 50% }\n`).message).toMatch(
      /my\.yaml:6: flags\.0\.flag: must be one of "payment\.kill-switch", "payment\.provider-v2", "notification\.sms"/,
    );
    expect(usageErrorOf(`${minimal}flags:\n  - { flag: notification.sms, set: maybe, after: 50% }\n`).message).toMatch(/flags\.0\.set: must be on or off/);
    expect(usageErrorOf(`${minimal}flags:\n  - { flag: notification.sms, set: on, after: halfway }\n`).message).toMatch(
      /flags\.0\.after: must be a share of the orders such as 50%/,
    );
  });

  it('refuses rates the provider would refuse and an order with one SKU twice', () => {
    expect(usageErrorOf(`${minimal}provider: { declineRate: 0.6, timeoutRate: 0.5 }\n`).message).toMatch(
      /my\.yaml:5: provider\.timeoutRate: declineRate \+ timeoutRate must be ≤ 1/,
    );
    expect(usageErrorOf('name: mine\ndescription: x\nmix:\n  - items: [{ sku: SKU-0001 }, { sku: SKU-0001 }]\n').message).toMatch(
      /mix\.0\.items: "SKU-0001" appears twice/,
    );
  });

  it('points at the line of broken YAML', () => {
    expect(usageErrorOf('name: mine\ndescription: [unclosed\n').message).toMatch(/^my\.yaml:\d+:\d+: not valid YAML/);
  });

  it("reads durations with the lab's one grammar, naming the flag", () => {
    expect([
      parseDuration('60s', '--duration'),
      parseDuration('1500ms', '--duration'),
      parseDuration('2m', '--duration'),
      parseDuration('1h', '--duration'),
    ]).toEqual([60_000, 1500, 120_000, 3_600_000]);
    expect(() => parseDuration('soon', '--duration')).toThrow(UsageError);
    expect(() => parseDuration('5x', '--duration')).toThrow('--duration takes a duration such as 500ms, 10s or 2m, not "5x".');
  });

  it('reads an open model: rate and duration together', () => {
    expect(parseScenario(`${minimal}rate: 2.5\nduration: 90s\n`, 'my.yaml')).toMatchObject({ rate: 2.5, duration: '90s', durationMs: 90_000 });
    expect(parseScenario(minimal, 'my.yaml')).not.toHaveProperty('durationMs');
  });

  it('names the file, line and key of a bad open model, and what is allowed', () => {
    expect(usageErrorOf(`${minimal}rate: 5\n`).message).toBe(
      'my.yaml:5: rate: needs duration beside it: the open model places rate orders per second for duration (or remove rate for the closed model of orders and concurrency)',
    );
    expect(usageErrorOf(`${minimal}duration: 30s\n`).message).toMatch(/^my\.yaml:5: duration: needs rate beside it/);
    expect(usageErrorOf(`${minimal}rate: 0\nduration: 30s\n`).message).toBe(
      'my.yaml:5: rate: must be orders per second: a number > 0 and ≤ 1000, such as 50 or 0.5',
    );
    expect(usageErrorOf(`${minimal}rate: fast\nduration: 30s\n`).message).toBe(
      'my.yaml:5: rate: must be orders per second: a number > 0 and ≤ 1000, such as 50 or 0.5',
    );
    expect(usageErrorOf(`${minimal}rate: 5\nduration: soon\n`).message).toBe('my.yaml:6: duration: takes a duration such as 500ms, 10s or 2m, not "soon"');
    expect(usageErrorOf(`${minimal}rate: 5\nduration: 2h\n`).message).toBe('my.yaml:6: duration: must be longer than 0 and at most 60m, not "2h"');
    expect(usageErrorOf(`${minimal}rate: 5\nduration: 61m\n`).message).toBe('my.yaml:6: duration: must be longer than 0 and at most 60m, not "61m"');
    expect(usageErrorOf(`${minimal}rate: 0.1\nduration: 5s\n`).message).toBe('my.yaml:5: rate: 0.1/s for 5s places no order: raise rate or duration');
  });
});

describe('expectations', () => {
  it('reads counts, all, none, comparisons and shares of the orders placed', () => {
    expect(countHolds('all', 5, 5)).toBe(true);
    expect(countHolds('all', 4, 5)).toBe(false);
    expect(countHolds('none', 0, 5)).toBe(true);
    expect(countHolds(3, 3, 9)).toBe(true);
    expect(countHolds('>= 3', 2, 9)).toBe(false);
    expect(countHolds('> 0', 1, 9)).toBe(true);
    expect(countHolds('< 50%', 4, 10)).toBe(true);
    expect(countHolds('< 50%', 5, 10)).toBe(false);
    expect(countHolds('=2', 2, 10)).toBe(true);
  });

  it('evaluates only what the scenario expects', () => {
    const counts = { confirmed: 3, cancelled: 1, rejected: 1, released: 0, refunded: 0, notificationsFailed: 0 };
    expect(evaluateExpectations({ expect: { confirmed: 'all', rejected: 1 } }, counts, 4)).toEqual([
      { name: 'confirmed', expected: 'all', actual: 3, ok: false },
      { name: 'rejected', expected: '1', actual: 1, ok: true },
    ]);
  });
});

describe('the order mix', () => {
  const scenario = {
    mix: [
      {
        weight: 1,
        items: [
          { sku: 'random', qty: 2 },
          { sku: 'random', qty: 1 },
          { sku: 'SKU-0060', qty: 1 },
        ],
      },
    ],
  };

  it('draws distinct SKUs per order, the same for the same seed', () => {
    const pool = ['SKU-0001', 'SKU-0002', 'SKU-0003', 'SKU-0060'];
    const a = drawOrder(scenario, pool, seededRandom(7));
    expect(a).toEqual(drawOrder(scenario, pool, seededRandom(7)));
    expect(new Set(a.map((l) => l.sku)).size).toBe(3);
    expect(a[2]).toEqual({ sku: 'SKU-0060', qty: 1 });
  });

  it('follows the weights', () => {
    const weighted = {
      mix: [
        { weight: 3, items: [{ sku: 'A', qty: 1 }] },
        { weight: 1, items: [{ sku: 'B', qty: 1 }] },
      ],
    };
    const random = seededRandom(1);
    const drawn = Array.from({ length: 4000 }, () => drawOrder(weighted, [], random)[0]!.sku);
    expect(drawn.filter((s) => s === 'A').length / 4000).toBeGreaterThan(0.7);
    expect(drawn.filter((s) => s === 'A').length / 4000).toBeLessThan(0.8);
  });
});
