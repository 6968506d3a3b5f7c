/** One bar of a latency histogram: how many sagas settled in [fromMs, toMs). */
export interface HistogramBucket {
  fromMs: number;
  toMs: number;
  count: number;
}

/** The smallest 1, 2 or 5 × 10^k that is ≥ x: bucket widths and axis steps a reader can add up. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= x - 1e-9 * power)!;
  return step;
}

/** Latencies in at most `buckets` equal-width buckets of a nice width, from 0 to past the largest. */
export function latencyHistogram(latenciesMs: number[], buckets = 20): HistogramBucket[] {
  if (latenciesMs.length === 0) return [];
  const max = Math.max(...latenciesMs);
  const width = niceStep(Math.max(max, 1) / buckets);
  const count = Math.max(1, Math.floor(max / width) + 1);
  const histogram = Array.from({ length: count }, (_, i) => ({ fromMs: i * width, toMs: (i + 1) * width, count: 0 }));
  for (const latency of latenciesMs) histogram[Math.min(count - 1, Math.floor(latency / width))]!.count++;
  return histogram;
}
