import { describe, expect, it } from 'vitest';
import { renderMarkdownReport } from './markdown-report.js';
import { sampleRunResult } from './test-fixtures.js';

const images = { latency: 'report-latency.svg', throughput: 'report-throughput.svg' };

describe('the Markdown report', () => {
  it('has the states, compensations, figures, both charts, expectations and invariants', () => {
    const md = renderMarkdownReport(sampleRunResult(), images);
    expect(md).toMatch(/^# Saga run happy-path: PASS\n/);
    expect(md).toContain('- run: `20261130-053412-happy-path`');
    expect(md).toContain('- load: open: 5/s for 4 s (20 arrivals, peak 6 in flight)');
    expect(md).toContain('| confirmed | 18 |\n| cancelled | 2 |\n| stuck (not settled in time) | 0 |');
    expect(md).toContain('| reservation released | 2 |\n| payment refunded | 1 |');
    expect(md).toContain('| throughput (sagas/s) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |\n|---|---|---|---|---|\n| 4.2 | 180.5 | 410 | 612.3 | 640 |');
    expect(md).toContain('![Latency histogram](report-latency.svg)');
    expect(md).toContain('![Throughput over time](report-throughput.svg)');
    expect(md).toContain('| refunded | none | 1 | **FAIL** |');
    expect(md).toContain('| orders-settled | ok | 20 orders, every one CONFIRMED or CANCELLED |');
    expect(md).toContain('| money-balanced | **FAIL** | 1 offending: o-1 (CONFIRMED: captured 500 − refunded 0 = 500, expected 1000) |');
    expect(md).not.toContain('## Notes');
  });

  it('keeps every table row on one line with the right number of cells, whatever the details say', () => {
    const md = renderMarkdownReport(sampleRunResult({ invariants: [{ name: 'queues-empty', ok: false, details: 'a | b\nc <script>', ids: [] }] }), {
      latency: 'my report-latency.svg',
      throughput: 't.svg',
    });
    const row = md.split('\n').find((l) => l.startsWith('| queues-empty'))!;
    expect(row).toBe('| queues-empty | **FAIL** | a \\| b c &lt;script&gt; |');
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(3);
    expect(md).toContain('![Latency histogram](my%20report-latency.svg)');
  });

  it('notes the stuck orders, refusals and the safety limit', () => {
    const result = sampleRunResult({ verdict: 'fail', stuckOrderIds: ['o-9'], failures: ['503 busy'] });
    result.load = { model: 'open', rate: 50, durationMs: 1000, maxInFlight: 10, arrivals: 50, skippedArrivals: 30, peakInFlight: 10 };
    const md = renderMarkdownReport(result, images);
    expect(md).toMatch(/^# Saga run happy-path: FAIL/);
    expect(md).toContain('## Notes\n\n- safety limit: 10 orders were in flight, so 30 of 50 arrivals were not sent');
    expect(md).toContain('- stuck orders (see `npx frank saga show &lt;id&gt;`): `o-9`');
    expect(md).toContain('- POST /orders refused: 503 busy');
  });
});
