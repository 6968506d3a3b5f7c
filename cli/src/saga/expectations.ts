import type { CountExpectation, ExpectationKey, Scenario } from './scenario.js';

/** What a run's own orders ended as: the numbers a scenario's `expect:` speaks of. */
export type OutcomeCounts = Record<ExpectationKey, number>;

export interface ExpectationResult {
  name: string;
  ok: boolean;
  expected: string;
  actual: number;
}

/** Whether `actual` satisfies a count expectation, given the number of orders placed (for "all" and shares). */
export function countHolds(expectation: CountExpectation, actual: number, placed: number): boolean {
  if (typeof expectation === 'number') return actual === expectation;
  const text = expectation.trim();
  if (text === 'all') return actual === placed;
  if (text === 'none') return actual === 0;
  const match = /^(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)?)(%?)$/.exec(text);
  if (!match) return false;
  const bound = match[3] ? (Number(match[2]) / 100) * placed : Number(match[2]);
  switch (match[1] ?? '=') {
    case '>=':
      return actual >= bound;
    case '<=':
      return actual <= bound;
    case '>':
      return actual > bound;
    case '<':
      return actual < bound;
    default:
      return actual === bound;
  }
}

export function evaluateExpectations(scenario: Pick<Scenario, 'expect'>, counts: OutcomeCounts, placed: number): ExpectationResult[] {
  return Object.entries(scenario.expect)
    .filter((entry): entry is [ExpectationKey, CountExpectation] => entry[1] !== undefined)
    .map(([key, expectation]) => ({ name: key, expected: String(expectation), actual: counts[key], ok: countHolds(expectation, counts[key], placed) }));
}
