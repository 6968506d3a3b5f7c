import { niceStep } from './latency-histogram.js';
import type { RunResult } from './run.js';
import { escapeXml } from './xml-escape.js';

/**
 * Hand-written SVG bar charts for the run report: a latency histogram and throughput over time.
 * Bars span [from, to) on a linear x axis, so markers (percentiles) sit where their value is.
 */
export interface BarChart {
  title: string;
  xLabel: string;
  yLabel: string;
  bars: { from: number; to: number; value: number; tooltip: string }[];
  /** Vertical lines at an x value, labelled (e.g. p95). */
  markers?: { x: number; label: string }[];
  /** A horizontal line at a y value, labelled (e.g. the mean). */
  level?: { y: number; label: string };
}

const WIDTH = 720;
const HEIGHT = 360;
const PLOT = { left: 64, right: 24, top: 48, bottom: 64 };
const BAR_COLOR = '#4c78a8';
const MARK_COLOR = '#e45756';

const num = (x: number) => String(Math.round(x * 10) / 10);

export function renderBarChart(chart: BarChart): string {
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const xMax = Math.max(1, ...chart.bars.map((b) => b.to), ...(chart.markers ?? []).map((m) => m.x));
  const yMaxValue = Math.max(0, ...chart.bars.map((b) => b.value), chart.level?.y ?? 0);
  const yStep = niceStep(Math.max(yMaxValue, 1) / 5);
  const yMax = Math.max(yStep, Math.ceil(yMaxValue / yStep) * yStep);
  const xOf = (x: number) => PLOT.left + (x / xMax) * plotWidth;
  const yOf = (y: number) => PLOT.top + plotHeight - (y / yMax) * plotHeight;
  const text = (x: number, y: number, content: string, attributes = '') => `<text x="${num(x)}" y="${num(y)}"${attributes}>${escapeXml(content)}</text>`;

  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(text(WIDTH / 2, 24, chart.title, ' text-anchor="middle" font-size="16" font-weight="bold"'));
  // Grid and y ticks.
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    parts.push(`<line x1="${PLOT.left}" y1="${num(yOf(y))}" x2="${PLOT.left + plotWidth}" y2="${num(yOf(y))}" stroke="#e0e0e0"/>`);
    parts.push(text(PLOT.left - 6, yOf(y) + 4, num(y), ' text-anchor="end" font-size="11"'));
  }
  // x ticks at a nice step, about ten of them.
  const xStep = niceStep(xMax / 10);
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    parts.push(`<line x1="${num(xOf(x))}" y1="${PLOT.top + plotHeight}" x2="${num(xOf(x))}" y2="${PLOT.top + plotHeight + 4}" stroke="#333333"/>`);
    parts.push(text(xOf(x), PLOT.top + plotHeight + 18, num(x), ' text-anchor="middle" font-size="11"'));
  }
  for (const bar of chart.bars) {
    const x = xOf(bar.from);
    const width = Math.max(1, xOf(bar.to) - x - 1);
    const y = yOf(bar.value);
    parts.push(
      `<rect class="bar" x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(PLOT.top + plotHeight - y)}" fill="${BAR_COLOR}"><title>${escapeXml(bar.tooltip)}</title></rect>`,
    );
  }
  if (chart.bars.length === 0)
    parts.push(text(PLOT.left + plotWidth / 2, PLOT.top + plotHeight / 2, 'no data', ' text-anchor="middle" font-size="14" fill="#777777"'));
  if (chart.level) {
    const y = yOf(chart.level.y);
    parts.push(
      `<line class="level" x1="${PLOT.left}" y1="${num(y)}" x2="${PLOT.left + plotWidth}" y2="${num(y)}" stroke="${MARK_COLOR}" stroke-dasharray="6 4"/>`,
    );
    parts.push(text(PLOT.left + plotWidth - 4, y - 6, chart.level.label, ` text-anchor="end" font-size="11" fill="${MARK_COLOR}"`));
  }
  (chart.markers ?? []).forEach((marker, i) => {
    const x = xOf(marker.x);
    parts.push(
      `<line class="marker" x1="${num(x)}" y1="${PLOT.top}" x2="${num(x)}" y2="${PLOT.top + plotHeight}" stroke="${MARK_COLOR}" stroke-dasharray="4 3"/>`,
    );
    // Staggered, so close percentiles do not print over each other; to the left near the right edge, so they stay in the picture.
    const leftOfLine = x > PLOT.left + plotWidth * 0.8;
    parts.push(
      text(leftOfLine ? x - 3 : x + 3, PLOT.top + 12 + i * 13, marker.label, ` font-size="11" fill="${MARK_COLOR}"${leftOfLine ? ' text-anchor="end"' : ''}`),
    );
  });
  // Axes and their labels.
  parts.push(`<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.top + plotHeight}" stroke="#333333"/>`);
  parts.push(`<line x1="${PLOT.left}" y1="${PLOT.top + plotHeight}" x2="${PLOT.left + plotWidth}" y2="${PLOT.top + plotHeight}" stroke="#333333"/>`);
  parts.push(text(PLOT.left + plotWidth / 2, HEIGHT - 16, chart.xLabel, ' text-anchor="middle" font-size="12"'));
  parts.push(
    text(16, PLOT.top + plotHeight / 2, chart.yLabel, ` text-anchor="middle" font-size="12" transform="rotate(-90 16 ${num(PLOT.top + plotHeight / 2)})"`),
  );

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<title>${escapeXml(chart.title)}</title>`,
    ...parts.map((p) => `  ${p}`),
    '</svg>',
    '',
  ].join('\n');
}

export function latencyHistogramSvg(result: Pick<RunResult, 'scenario' | 'latencyHistogram' | 'latencyMs'>): string {
  const { p50, p95, p99 } = result.latencyMs;
  const settled = result.latencyHistogram.reduce((sum, b) => sum + b.count, 0);
  return renderBarChart({
    title: `Saga latency: ${result.scenario} (${settled} settled)`,
    xLabel: 'latency, order placed → confirmed or cancelled (ms)',
    yLabel: 'sagas',
    bars: result.latencyHistogram.map((b) => ({
      from: b.fromMs,
      to: b.toMs,
      value: b.count,
      tooltip: `${b.count} sagas settled in ${num(b.fromMs)}–${num(b.toMs)} ms`,
    })),
    markers:
      settled === 0
        ? []
        : [
            { x: p50, label: `p50 ${p50} ms` },
            { x: p95, label: `p95 ${p95} ms` },
            { x: p99, label: `p99 ${p99} ms` },
          ],
  });
}

export function throughputSvg(result: Pick<RunResult, 'scenario' | 'throughputPerSecond' | 'throughput'>): string {
  return renderBarChart({
    title: `Throughput over time: ${result.scenario}`,
    xLabel: 'second of the load',
    yLabel: 'sagas settled per second',
    bars: result.throughputPerSecond.map((value, second) => ({ from: second, to: second + 1, value, tooltip: `second ${second}: ${value} sagas settled` })),
    level: { y: result.throughput, label: `mean ${result.throughput}/s` },
  });
}
