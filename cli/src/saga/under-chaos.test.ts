import { describe, expect, it } from 'vitest';
import { underChaos } from './run.js';
import { sampleRunResult } from './test-fixtures.js';

// A run whose invariants and expectations hold: only the orders and the faults decide.
const held = () => sampleRunResult({ expectations: [], invariants: [{ name: 'money-balanced', ok: true, details: 'balanced', ids: [] }] });
const fault = { fault: 'kill-db payment', plannedAtMs: 10_000, injectedAtMs: 10_050, healedAtMs: 25_000, error: null };

describe('underChaos', () => {
  it('passes a run whose only failures are orders refused while a fault was in force', () => {
    const refused = { ...held(), verdict: 'fail' as const, failures: ['503 order-db unavailable'] };
    expect(underChaos(refused, [fault])).toMatchObject({ verdict: 'pass', chaos: [fault] });
  });

  it('fails a run whose fault did not go in, that left a saga unfinished, or broke an invariant', () => {
    expect(underChaos(sampleRunResult(), [fault]).verdict).toBe('fail');
    expect(underChaos(held(), [{ ...fault, injectedAtMs: null, error: 'no such unit' }]).verdict).toBe('fail');
    const stuck = held();
    expect(underChaos({ ...stuck, orders: { ...stuck.orders, stuck: 1 } }, [fault]).verdict).toBe('fail');
  });
});
