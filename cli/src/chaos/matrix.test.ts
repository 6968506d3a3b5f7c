import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { loadTopology, parseTopology, type Topology } from '../lab/topology.js';
import { FRANK_YAML } from '../runtimes/docker/test-fixtures.js';
import { renderMatrixMarkdown, renderMatrixTable } from '../ui/matrix-report.js';
import type { ExperimentResult } from './experiment.js';
import { matrixFaults, selectFaults, summarizeCell } from './matrix.js';

let topology: Topology;
beforeAll(async () => {
  topology = await loadTopology(FRANK_YAML);
});

describe('matrixFaults', () => {
  it("covers every service database, the broker, every saga service and one fault per kind of link of the repository's lab", () => {
    expect(matrixFaults(topology).map((f) => f.label)).toEqual([
      'kill-db user-db',
      'kill-db inventory-db',
      'kill-db order-db',
      'kill-db payment-db',
      'kill-db notification-db',
      'kill-db analytics-db',
      'kill-broker',
      'kill-service order',
      'kill-service inventory',
      'kill-service payment',
      'kill-service payment-provider',
      'kill-service eventbridge-bridge',
      'kill-service notification',
      'kill-service analytics',
      'latency order.order-db 200ms±50ms',
      'partition order.rabbitmq',
      'reset-peer payment-provider.aws',
      'timeout views.redis 1s',
      'partition views.mongo',
    ]);
  });

  it('follows the topology: a database no service uses is not killed, a kind of link not there is not faulted', () => {
    const small = parseTopology(
      [
        'version: 1',
        'resources:',
        '  shop-db: { kind: postgres, port: 5432, databases: { shop: [] } }',
        '  spare-db: { kind: postgres, port: 5433, databases: { spare: [] } }',
        '  rabbitmq: { kind: rabbitmq, port: 5672 }',
        '  toxiproxy: { kind: toxiproxy, port: 8474, proxyPorts: 8480 }',
        'services:',
        '  order: { port: 3003, uses: [shop-db, rabbitmq] }',
        '  shop: { port: 3100, uses: [shop-db] }',
      ].join('\n'),
      'frank.yaml',
    );
    expect(matrixFaults(small).map((f) => f.label)).toEqual([
      'kill-db shop-db',
      'kill-broker',
      'kill-service order',
      'latency order.shop-db 200ms±50ms',
      'partition order.rabbitmq',
    ]);
  });
});

describe('selectFaults', () => {
  it('keeps the faults whose label contains one of the words', () => {
    expect(selectFaults(matrixFaults(topology), ['kill-broker', 'partition']).map((f) => f.label)).toEqual([
      'kill-broker',
      'partition order.rabbitmq',
      'partition views.mongo',
    ]);
  });

  it('refuses words that match nothing, listing the matrix', () => {
    expect(() => selectFaults(matrixFaults(topology), ['explode'])).toThrow(UsageError);
    expect(() => selectFaults(matrixFaults(topology), ['explode'])).toThrow('--only explode matches no fault of the matrix.');
  });
});

function experiment(
  fault: string,
  overrides: {
    verdict?: 'pass' | 'fail';
    recoveryMs?: number | null;
    affected?: number;
    released?: number;
    refunded?: number;
    refused?: number;
    reasons?: string[];
  },
): ExperimentResult {
  const verdict = overrides.verdict ?? 'pass';
  return {
    fault,
    scenario: 'mixed',
    seed: 1,
    verdict,
    reasons: overrides.reasons ?? (verdict === 'fail' ? ['orders-settled: 1 offending: o-1 (RESERVED)'] : []),
    steadyState: { ok: true, failed: [] },
    trigger: { event: 'inventory.reserved', firedAtMs: 900 },
    injection: { atMs: 1000, heldMs: 3000, healedAtMs: 4200, healMs: 200 },
    recovery: { ms: overrides.recoveryMs === undefined ? 2000 : overrides.recoveryMs, probes: 2, probesConfirmed: 1, refused: [] },
    affected: overrides.affected ?? 6,
    orders: { placed: 6, confirmed: 4, cancelled: 2, stuck: 0, refused: overrides.refused ?? 0 },
    compensations: { released: overrides.released ?? 1, refunded: overrides.refunded ?? 1 },
    invariants: [],
    load: { durationMs: 5000 },
    durationMs: 12_000,
  };
}

const load = { scenario: 'mixed', orders: 6, concurrency: 6, seed: 1, holdMs: 3000, trigger: 'inventory.reserved', runs: 3 };

describe('summarizeCell', () => {
  it('counts the passes and takes the median and range of the recoveries that happened', () => {
    const cell = summarizeCell('kill-broker', [
      experiment('kill-broker', { recoveryMs: 8000 }),
      experiment('kill-broker', { recoveryMs: 6000 }),
      experiment('kill-broker', { verdict: 'fail', recoveryMs: null }),
    ]);
    expect(cell).toMatchObject({ fault: 'kill-broker', passed: 2, recoveryMs: { median: 7000, min: 6000, max: 8000 } });
    expect(
      summarizeCell('x', [experiment('x', { recoveryMs: 3000 }), experiment('x', { recoveryMs: 1000 }), experiment('x', { recoveryMs: 2000 })]).recoveryMs,
    ).toEqual({ median: 2000, min: 1000, max: 3000 });
    expect(summarizeCell('x', [experiment('x', { verdict: 'fail', recoveryMs: null })]).recoveryMs).toBeNull();
  });
});

describe('the matrix report', () => {
  const result = {
    load,
    cells: [
      summarizeCell('kill-db payment-db', [
        experiment('kill-db payment-db', { recoveryMs: 1800, affected: 5 }),
        experiment('kill-db payment-db', { recoveryMs: 3500, affected: 8 }),
        experiment('kill-db payment-db', { recoveryMs: 2100, affected: 8 }),
      ]),
      summarizeCell('partition payment.rabbitmq', [
        experiment('partition payment.rabbitmq', { verdict: 'fail', recoveryMs: null, refused: 2, reasons: ['not recovered: a | pipe'] }),
        experiment('partition payment.rabbitmq', {}),
        experiment('partition payment.rabbitmq', {}),
      ]),
    ],
    verdict: 'fail' as const,
    durationMs: 95_000,
  };

  it('renders Markdown: the load, one row per fault with verdict, recovery, affected, compensations, refused and why it failed', () => {
    expect(renderMatrixMarkdown(result)).toBe(
      [
        '# frank chaos matrix',
        '',
        'Load: scenario mixed, 6 orders at concurrency 6, seed 1 (run i: seed + i); each fault injected when the first inventory.reserved passed and held 3s; 3 runs per fault.',
        '',
        'Time to recover: from the heal to the first probe saga placed after it that was confirmed. Affected: sagas in flight at the injection, placed while the fault was in force, or held back by it. Compensations: reservations released plus payments refunded. Refused: orders the lab did not accept while the fault was in force (the client got an error; nothing accepted was lost).',
        '',
        '| fault | verdict | time to recover | affected | compensations | refused | notes |',
        '|---|---|---|---|---|---|---|',
        '| kill-db payment-db | **PASS 3/3** | 2.1 s (1.8–3.5) | 5–8 | 2 | 0 |  |',
        '| partition payment.rabbitmq | **FAIL 2/3** | 2.0 s | 6 | 2 | 0–2 | not recovered: a \\| pipe |',
        '',
        'Verdict: **FAIL**: 1 of 2 faults passed every run; took 95 s.',
        '',
      ].join('\n'),
    );
  });

  it('renders a terminal table with the same rows', () => {
    const table = renderMatrixTable(result, false);
    expect(table.split('\n')[0]).toBe(
      'Load: scenario mixed, 6 orders at concurrency 6, seed 1 (run i: seed + i); each fault injected when the first inventory.reserved passed and held 3s; 3 runs per fault.',
    );
    expect(table).toMatch(/^FAULT\s+VERDICT\s+TIME TO RECOVER\s+AFFECTED\s+COMPENSATIONS\s+REFUSED\s+NOTES$/m);
    expect(table).toMatch(/^kill-db payment-db\s+PASS 3\/3\s+2\.1 s \(1\.8–3\.5\)\s+5–8\s+2\s+0$/m);
    expect(table).toMatch(/^partition payment\.rabbitmq\s+FAIL 2\/3\s+2\.0 s\s+6\s+2\s+0–2\s+not recovered: a \| pipe$/m);
    expect(table.trimEnd().split('\n').at(-1)).toBe('verdict: FAIL (95 s)');
  });
});
