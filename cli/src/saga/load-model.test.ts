import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { arrivalSchedule, checkLoadDuration, DEFAULT_MAX_IN_FLIGHT, parseRate, resolveLoadModel } from './load-model.js';

const closedScenario = { orders: 20, concurrency: 4, rate: undefined, durationMs: undefined, file: 'happy-path.yaml' };
const openScenario = { orders: 20, concurrency: 4, rate: 10, durationMs: 30_000, file: 'steady.yaml' };

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe("the open model's arrivals", () => {
  it('are evenly spaced at 1/rate s from 0, rate × duration of them', () => {
    expect(arrivalSchedule(4, 1000)).toEqual([0, 250, 500, 750]);
    expect(arrivalSchedule(50, 60_000)).toHaveLength(3000);
    expect(arrivalSchedule(50, 60_000).at(-1)).toBeCloseTo(59_980, 6);
    expect(arrivalSchedule(0.5, 5000)).toEqual([0, 2000]);
  });

  it('do not lose one to floating point', () => {
    expect(arrivalSchedule(0.1, 30_000)).toEqual([0, 10_000, 20_000]);
    expect(arrivalSchedule(3, 1000)).toHaveLength(3);
  });
});

describe('choosing the load model', () => {
  it("is the scenario's closed model by default, with flags overriding it", () => {
    expect(resolveLoadModel(closedScenario, {})).toEqual({ model: 'closed', orders: 20, concurrency: 4 });
    expect(resolveLoadModel(closedScenario, { orders: 5 })).toEqual({ model: 'closed', orders: 5, concurrency: 4 });
  });

  it('is open with --rate and --duration, with the default safety limit', () => {
    expect(resolveLoadModel(closedScenario, { rate: 50, durationMs: 60_000 })).toEqual({
      model: 'open',
      rate: 50,
      durationMs: 60_000,
      maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    });
    expect(resolveLoadModel(closedScenario, { rate: 50, durationMs: 60_000, maxInFlight: 10 })).toMatchObject({ maxInFlight: 10 });
  });

  it("takes the scenario's rate and duration, and a flag overrides either", () => {
    expect(resolveLoadModel(openScenario, {})).toMatchObject({ model: 'open', rate: 10, durationMs: 30_000 });
    expect(resolveLoadModel(openScenario, { rate: 2 })).toMatchObject({ model: 'open', rate: 2, durationMs: 30_000 });
    expect(resolveLoadModel(openScenario, { durationMs: 5000 })).toMatchObject({ model: 'open', rate: 10, durationMs: 5000 });
  });

  it('lets --orders turn an open scenario into a closed run', () => {
    expect(resolveLoadModel(openScenario, { orders: 3 })).toEqual({ model: 'closed', orders: 3, concurrency: 4 });
  });

  it('refuses a rate without a duration, and a duration without a rate, saying what to add', () => {
    const noDuration = usageError(() => resolveLoadModel(closedScenario, { rate: 50 }));
    expect(noDuration.message).toBe('--rate needs a duration: the open model places orders at that rate for a while; happy-path.yaml sets no duration.');
    expect(noDuration.hint).toMatch(/--duration 60s/);
    const noRate = usageError(() => resolveLoadModel(closedScenario, { durationMs: 60_000 }));
    expect(noRate.message).toMatch(/^--duration needs a rate/);
    expect(noRate.hint).toMatch(/--rate 50/);
  });

  it('refuses both models at once, and --max-in-flight without the open model', () => {
    expect(usageError(() => resolveLoadModel(closedScenario, { orders: 5, rate: 5, durationMs: 1000 })).message).toBe(
      '--orders (closed model) and --rate and --duration (open model) do not go together.',
    );
    expect(usageError(() => resolveLoadModel(closedScenario, { concurrency: 2, durationMs: 1000 })).message).toMatch(
      /--concurrency \(closed model\) and --duration \(open model\)/,
    );
    expect(usageError(() => resolveLoadModel(closedScenario, { maxInFlight: 5 })).message).toMatch(/--max-in-flight bounds the open model/);
  });

  it('refuses a load that places no order or too many', () => {
    expect(usageError(() => resolveLoadModel(closedScenario, { rate: 0.5, durationMs: 1000 })).message).toBe('0.5 orders/s for 1000 ms places no order.');
    expect(usageError(() => resolveLoadModel(closedScenario, { rate: 1000, durationMs: 3_600_000 })).message).toMatch(/is 3600000 orders, more than 100000/);
  });
});

describe("the open model's flags", () => {
  it('--rate takes a positive number up to 1000', () => {
    expect([parseRate('50'), parseRate('0.5'), parseRate('1000')]).toEqual([50, 0.5, 1000]);
    for (const bad of ['0', 'fast', '-3', '1e3', '1001', ''])
      expect(usageError(() => parseRate(bad)).message).toBe(`--rate must be orders per second: a number > 0 and ≤ 1000, such as 50 or 0.5, not "${bad}".`);
  });

  it('--duration must be positive and at most an hour', () => {
    expect(checkLoadDuration(60_000, '60s')).toBe(60_000);
    expect(usageError(() => checkLoadDuration(0, '0s')).message).toBe('--duration must be longer than 0 and at most 60m, not "0s".');
    expect(usageError(() => checkLoadDuration(7_200_000, '120m')).message).toMatch(/at most 60m, not "120m"/);
  });
});
