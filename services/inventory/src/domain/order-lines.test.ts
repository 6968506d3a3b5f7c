import { describe, expect, it } from 'vitest';
import { mergeOrderLines } from './order-lines.js';

describe('mergeOrderLines', () => {
  it('sums lines of the same sku and sorts by sku, the order stock rows are locked in', () => {
    expect(
      mergeOrderLines([
        { sku: 'SKU-0003', qty: 1 },
        { sku: 'SKU-0001', qty: 2 },
        { sku: 'SKU-0003', qty: 4 },
      ]),
    ).toEqual([
      { sku: 'SKU-0001', qty: 2 },
      { sku: 'SKU-0003', qty: 5 },
    ]);
  });
});
