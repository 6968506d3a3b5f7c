import { describe, expect, it } from 'vitest';
import { deadlineReason, decideOnWebhook } from './payment-transitions.js';

describe('decideOnWebhook', () => {
  it('captures a pending payment on success and fails it on decline', () => {
    expect(decideOnWebhook('PENDING', 'succeeded')).toEqual({ kind: 'capture', next: 'CAPTURED' });
    expect(decideOnWebhook('PENDING', 'declined')).toEqual({ kind: 'fail', next: 'FAILED', reason: 'declined' });
  });

  it('refunds a success that comes after the payment failed', () => {
    expect(decideOnWebhook('FAILED', 'succeeded')).toEqual({ kind: 'refund-late-success', next: 'REFUNDED' });
  });

  it('does nothing for a second success, a late decline, or anything after a refund', () => {
    expect(decideOnWebhook('CAPTURED', 'succeeded')).toMatchObject({ kind: 'ignore', why: expect.stringContaining('duplicate') });
    expect(decideOnWebhook('CAPTURED', 'declined').kind).toBe('ignore');
    expect(decideOnWebhook('FAILED', 'declined').kind).toBe('ignore');
    expect(decideOnWebhook('REFUNDED', 'succeeded').kind).toBe('ignore');
    expect(decideOnWebhook('REFUNDED', 'declined').kind).toBe('ignore');
  });
});

describe('deadlineReason', () => {
  it('is a timeout when the provider accepted the payment, a provider error when it never did', () => {
    expect(deadlineReason(true)).toBe('timeout');
    expect(deadlineReason(false)).toBe('provider-error');
  });
});
