import { describe, expect, it } from 'vitest';
import { settle } from './reservation-status.js';

describe('settle', () => {
  it('moves only a HELD reservation: released on a failed payment, committed on a completed one', () => {
    expect(settle('HELD', 'release')).toBe('RELEASED');
    expect(settle('HELD', 'commit')).toBe('COMMITTED');
    for (const status of ['RELEASED', 'COMMITTED', 'REJECTED'] as const) {
      expect(settle(status, 'release')).toBeUndefined();
      expect(settle(status, 'commit')).toBeUndefined();
    }
  });
});
