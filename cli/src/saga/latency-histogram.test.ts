import { describe, expect, it } from 'vitest';
import { latencyHistogram, niceStep } from './latency-histogram.js';

describe('latency histogram', () => {
  it('steps are 1, 2 or 5 × 10^k', () => {
    expect([0.3, 1, 1.5, 3, 7, 12, 49, 51, 180, 0.04].map(niceStep)).toEqual([0.5, 1, 2, 5, 10, 20, 50, 100, 200, 0.05]);
  });

  it('counts every latency once in equal buckets from 0 to past the largest', () => {
    const histogram = latencyHistogram([12, 18, 55, 240, 999, 1000], 20);
    // max 1000 → width niceStep(50) = 50, buckets up to 1050.
    expect(histogram[0]).toEqual({ fromMs: 0, toMs: 50, count: 2 });
    expect(histogram[1]).toEqual({ fromMs: 50, toMs: 100, count: 1 });
    expect(histogram[4]).toEqual({ fromMs: 200, toMs: 250, count: 1 });
    expect(histogram.at(-1)).toEqual({ fromMs: 1000, toMs: 1050, count: 1 });
    expect(histogram[19]).toEqual({ fromMs: 950, toMs: 1000, count: 1 });
    expect(histogram.reduce((sum, b) => sum + b.count, 0)).toBe(6);
    expect(histogram).toHaveLength(21);
  });

  it('is empty with no latency, and one bucket when all are equal', () => {
    expect(latencyHistogram([])).toEqual([]);
    expect(latencyHistogram([0, 0, 0])).toEqual([{ fromMs: 0, toMs: 0.05, count: 3 }]);
  });
});
