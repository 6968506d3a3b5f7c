import type { RunResult } from './run.js';

/** "closed: 20 orders, concurrency 4" or "open: 50/s for 60 s (peak 37 in flight)". */
export function describeLoad(result: Pick<RunResult, 'load'>): string {
  const { load } = result;
  if (load.model === 'closed') return `closed: ${load.orders} orders, concurrency ${load.concurrency}`;
  return `open: ${load.rate}/s for ${Number((load.durationMs / 1000).toFixed(1))} s (${load.arrivals} arrivals, peak ${load.peakInFlight} in flight${load.skippedArrivals ? `, ${load.skippedArrivals} skipped` : ''})`;
}
