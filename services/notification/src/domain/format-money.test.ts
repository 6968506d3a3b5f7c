import { describe, expect, it } from 'vitest';
import { chooseChannel } from './choose-channel.js';
import { formatMoney } from './format-money.js';

describe('formatMoney', () => {
  it('writes integer cents with two decimals', () => {
    expect(formatMoney(1234, 'EUR')).toBe('12.34 EUR');
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(-250, 'EUR')).toBe('-2.50 EUR');
  });
});

describe('chooseChannel', () => {
  it('prefers email, falls back to sms', () => {
    expect(chooseChannel({ email: 'a@b.c', phone: '+1' })).toEqual({ channel: 'email', address: 'a@b.c' });
    expect(chooseChannel({ email: null, phone: '+1' })).toEqual({ channel: 'sms', address: '+1' });
    expect(chooseChannel({ email: '', phone: null })).toEqual({ channel: 'sms', address: null });
  });
});
