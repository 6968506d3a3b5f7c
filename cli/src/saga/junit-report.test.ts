import { describe, expect, it } from 'vitest';
import { readXml } from '../../test/well-formed-xml.js';
import { renderJUnit } from './junit-report.js';
import { sampleRunResult } from './test-fixtures.js';
import { escapeXml } from './xml-escape.js';

describe('JUnit XML of a run', () => {
  it('has one testcase per invariant and per expectation, plus the load, and counts the failures', () => {
    const elements = readXml(renderJUnit(sampleRunResult()));
    const suite = elements.find((e) => e.name === 'testsuite')!;
    expect(suite.attributes).toMatchObject({
      name: 'saga.happy-path',
      tests: '5',
      failures: '2',
      errors: '0',
      time: '5.650',
      timestamp: '2026-11-30T05:34:12.345Z',
    });
    expect(elements.find((e) => e.name === 'testsuites')!.attributes).toMatchObject({ tests: '5', failures: '2' });
    const cases = elements.filter((e) => e.name === 'testcase').map((e) => `${e.attributes.classname} / ${e.attributes.name}`);
    expect(cases).toEqual([
      'saga.happy-path.load / every order placed',
      'saga.happy-path.invariants / orders-settled',
      'saga.happy-path.invariants / money-balanced',
      'saga.happy-path.expectations / confirmed: >= 15',
      'saga.happy-path.expectations / refunded: none',
    ]);
  });

  it('gives a failed invariant its details and offending ids, a failed expectation what was expected', () => {
    const elements = readXml(renderJUnit(sampleRunResult()));
    const failures = elements.filter((e) => e.name === 'failure');
    expect(failures.map((f) => f.parent!.attributes.name)).toEqual(['money-balanced', 'refunded: none']);
    expect(failures[0]!.attributes).toEqual({ message: '1 offending: o-1 (CONFIRMED: captured 500 − refunded 0 = 500, expected 1000)', type: 'invariant' });
    expect(failures[0]!.text).toBe('1 offending: o-1 (CONFIRMED: captured 500 − refunded 0 = 500, expected 1000)\noffending ids:\no-1');
    expect(failures[1]!.attributes.message).toBe('refunded: expected none, actual 1 of 20 orders placed');
    const properties = Object.fromEntries(elements.filter((e) => e.name === 'property').map((p) => [p.attributes.name, p.attributes.value]));
    expect(properties).toMatchObject({
      'run-id': '20261130-053412-happy-path',
      seed: '7',
      verdict: 'pass',
      'latency-p95-ms': '410',
      load: 'open: 5/s for 4 s (20 arrivals, peak 6 in flight)',
    });
  });

  it('fails the load testcase for refused orders and skipped arrivals', () => {
    const result = sampleRunResult({
      orders: { placed: 18, confirmed: 18, cancelled: 0, stuck: 0, failedToPlace: 2 },
      failures: ['503 order-db unavailable', '503 order-db unavailable'],
    });
    result.load = { model: 'open', rate: 50, durationMs: 1000, maxInFlight: 10, arrivals: 50, skippedArrivals: 30, peakInFlight: 10 };
    const load = readXml(renderJUnit(result)).find((e) => e.name === 'failure' && e.attributes.type === 'load')!;
    expect(load.text).toBe(
      '2 orders refused by POST /orders: 503 order-db unavailable; 503 order-db unavailable\nsafety limit: 10 orders were in flight, so 30 of 50 arrivals were not sent; the lab does not keep up with 50 orders/s (lower --rate, or raise --max-in-flight)',
    );
  });

  it('escapes what comes from the lab', () => {
    const result = sampleRunResult({ invariants: [{ name: 'queues-empty', ok: false, details: '1 offending: <q> & "x" \u0007', ids: ["it's"] }] });
    const xml = renderJUnit(result);
    const failure = readXml(xml).find((e) => e.name === 'failure')!;
    expect(failure.attributes.message).toBe('1 offending: <q> & "x" ');
    expect(failure.text).toContain("offending ids:\nit's");
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
  });
});
