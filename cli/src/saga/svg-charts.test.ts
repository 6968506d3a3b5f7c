import { describe, expect, it } from 'vitest';
import { readXml } from '../../test/well-formed-xml.js';
import { latencyHistogramSvg, renderBarChart, throughputSvg } from './svg-charts.js';
import { sampleRunResult } from './test-fixtures.js';

const bars = (svg: string) => readXml(svg).filter((e) => e.name === 'rect' && e.attributes.class === 'bar');

describe('SVG charts', () => {
  it('draw the latency histogram: one bar per bucket, heights in proportion, percentiles marked', () => {
    const svg = latencyHistogramSvg(sampleRunResult());
    const elements = readXml(svg);
    expect(elements[0]).toMatchObject({ name: 'svg', attributes: { xmlns: 'http://www.w3.org/2000/svg', width: '720', height: '360' } });
    const drawn = bars(svg);
    expect(drawn).toHaveLength(5);
    expect(drawn.map((b) => b.parent!.name)).toEqual(['svg', 'svg', 'svg', 'svg', 'svg']);
    const heights = drawn.map((b) => Number(b.attributes.height));
    expect(heights[0]).toBe(0);
    expect(heights[3]).toBeCloseTo(heights[1]! * 4.5, 0);
    expect(heights[3]).toBe(heights[4]);
    // Bars go left to right in bucket order.
    const xs = drawn.map((b) => Number(b.attributes.x));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(elements.filter((e) => e.name === 'title' && e.parent?.name === 'rect').map((t) => t.text)).toContain('9 sagas settled in 150–200 ms');
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['Saga latency: happy-path (20 settled)', 'p50 180.5 ms', 'p95 410 ms', 'p99 612.3 ms', 'sagas']));
    expect(elements.filter((e) => e.attributes.class === 'marker')).toHaveLength(3);
  });

  it('put a marker where its value lies on the x axis', () => {
    const svg = renderBarChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      bars: [{ from: 0, to: 100, value: 1, tooltip: '' }],
      markers: [{ x: 50, label: 'half' }],
    });
    const bar = bars(svg)[0]!;
    const marker = readXml(svg).find((e) => e.attributes.class === 'marker')!;
    expect(Number(marker.attributes.x1)).toBeCloseTo(Number(bar.attributes.x) + (Number(bar.attributes.width) + 1) / 2, 0);
  });

  it("print a marker's label to the left of its line near the right edge, so it stays in the picture", () => {
    const svg = renderBarChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      bars: [{ from: 0, to: 100, value: 1, tooltip: '' }],
      markers: [
        { x: 20, label: 'p50 20 ms' },
        { x: 99, label: 'p99 99 ms' },
      ],
    });
    const labels = readXml(svg).filter((e) => e.name === 'text' && e.text.startsWith('p'));
    const lines = readXml(svg)
      .filter((e) => e.attributes.class === 'marker')
      .map((e) => Number(e.attributes.x1));
    expect(labels.map((l) => [l.text, l.attributes['text-anchor'] ?? 'start'])).toEqual([
      ['p50 20 ms', 'start'],
      ['p99 99 ms', 'end'],
    ]);
    expect(Number(labels[0]!.attributes.x)).toBeGreaterThan(lines[0]!);
    expect(Number(labels[1]!.attributes.x)).toBeLessThan(lines[1]!);
  });

  it('draw throughput per second with the mean as a level line', () => {
    const svg = throughputSvg(sampleRunResult());
    const drawn = bars(svg);
    expect(drawn).toHaveLength(5);
    expect(
      readXml(svg)
        .filter((e) => e.name === 'title' && e.parent?.name === 'rect')
        .map((t) => t.text),
    ).toEqual([
      'second 0: 3 sagas settled',
      'second 1: 5 sagas settled',
      'second 2: 6 sagas settled',
      'second 3: 4 sagas settled',
      'second 4: 2 sagas settled',
    ]);
    const level = readXml(svg).find((e) => e.attributes.class === 'level')!;
    // y grows downwards: the 4.2 level sits between the 2 and the 6 bar tops.
    const top = (i: number) => Number(drawn[i]!.attributes.y);
    expect(Number(level.attributes.y1)).toBeGreaterThan(top(2));
    expect(Number(level.attributes.y1)).toBeLessThan(top(4));
    expect(readXml(svg).some((e) => e.name === 'text' && e.text === 'mean 4.2/s')).toBe(true);
  });

  it('escape what they print, and say when there is no data', () => {
    const svg = latencyHistogramSvg({ scenario: 'a<b & "c"', latencyHistogram: [], latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 } });
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    const elements = readXml(svg);
    expect(elements.find((e) => e.name === 'title')!.text).toBe('Saga latency: a<b & "c" (0 settled)');
    expect(elements.some((e) => e.name === 'text' && e.text === 'no data')).toBe(true);
    expect(bars(svg)).toHaveLength(0);
    expect(elements.filter((e) => e.attributes.class === 'marker')).toHaveLength(0);
  });
});
