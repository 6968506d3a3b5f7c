import type { FaultRecord } from '../chaos/fault-store.js';

/** A fault in force as a frame carries it, for the renderers' tests. */
export function faultInForce(label: string, healAt?: string): FaultRecord {
  return {
    id: label,
    label,
    fault: { kind: 'kill', command: 'kill-db', unit: 'payment-db', label },
    injectedAt: '2026-11-30T06:40:00.000Z',
    pid: 1,
    ...(healAt ? { healAt } : {}),
  };
}
