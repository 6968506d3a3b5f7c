import { safetyLimitNote, type RunResult } from './run.js';
import { describeLoad } from './describe-load.js';
import { escapeXml } from './xml-escape.js';

/**
 * A run as JUnit XML for CI: one testcase per invariant and per expectation, and one for the
 * load itself (every order placed, no arrival skipped), so that a failed verdict always shows as
 * a failed testcase. A failure carries the details and the offending ids.
 */
export function renderJUnit(result: RunResult): string {
  const suite = `saga.${result.scenario}`;
  const cases: string[] = [];
  const testcase = (classname: string, name: string, failure?: { message: string; type: string; body: string }) =>
    failure
      ? `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}" time="0">\n      <failure message="${escapeXml(failure.message)}" type="${escapeXml(failure.type)}">${escapeXml(failure.body)}</failure>\n    </testcase>`
      : `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}" time="0"/>`;

  const refused = result.orders.failedToPlace;
  const limit = safetyLimitNote(result);
  const loadProblems = [...(refused ? [`${refused} orders refused by POST /orders: ${result.failures.join('; ')}`] : []), ...(limit ? [limit] : [])];
  cases.push(
    testcase(
      `${suite}.load`,
      'every order placed',
      loadProblems.length ? { message: loadProblems[0]!, type: 'load', body: loadProblems.join('\n') } : undefined,
    ),
  );
  for (const invariant of result.invariants) {
    cases.push(
      testcase(
        `${suite}.invariants`,
        invariant.name,
        invariant.ok ? undefined : { message: invariant.details, type: 'invariant', body: `${invariant.details}\noffending ids:\n${invariant.ids.join('\n')}` },
      ),
    );
  }
  for (const expectation of result.expectations) {
    const message = `${expectation.name}: expected ${expectation.expected}, actual ${expectation.actual} of ${result.orders.placed} orders placed`;
    cases.push(
      testcase(
        `${suite}.expectations`,
        `${expectation.name}: ${expectation.expected}`,
        expectation.ok ? undefined : { message, type: 'expectation', body: message },
      ),
    );
  }
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const seconds = ((result.durationMs.load + result.durationMs.settle) / 1000).toFixed(3);
  const properties = {
    'run-id': result.runId ?? '',
    seed: String(result.seed),
    load: describeLoad(result),
    verdict: result.verdict,
    'throughput-sagas-per-s': String(result.throughput),
    'latency-p50-ms': String(result.latencyMs.p50),
    'latency-p95-ms': String(result.latencyMs.p95),
    'latency-p99-ms': String(result.latencyMs.p99),
    'stuck-order-ids': result.stuckOrderIds.join(' '),
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="frank saga run" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${escapeXml(result.startedAt)}">`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
