import type { LabFrame } from '@frank/contracts/frames';
import { FaultStore, type FaultRecord } from '../chaos/fault-store.js';
import type { Lab } from '../lab/lab.js';
import { labStatus, type ResourceStatus } from '../lab/status.js';
import type { LabAccess } from '../saga/lab-access.js';
import { listOutbox } from '../saga/outbox.js';
import { readRecentSagas, type RecentSaga } from '../saga/recent.js';
import { queueDepths } from '../saga/snapshot.js';

/** One frame of `frank dashboard` (the console's LabFrame), with the faults as the CLI keeps them. */
export interface DashboardFrame extends LabFrame {
  resources: Pick<ResourceStatus, 'name' | 'kind' | 'phase' | 'health' | 'waitingFor'>[];
  faults: FaultRecord[];
}

/** How many of the latest sagas a frame carries. */
export const RECENT_SAGAS = 10;

export interface FrameState {
  settled: number;
  atMs: number;
}

/** Reads one frame: every unit's health, the orders by state, queue depths, the outboxes' backlogs and the faults in force. */
export async function readFrame(lab: Lab, access: LabAccess, previous: FrameState | undefined): Promise<{ frame: DashboardFrame; state: FrameState }> {
  const [resources, orders, queues, outbox, sagas, faults] = await Promise.all([
    labStatus(lab),
    access
      .report('orders')
      .query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM saga_report.orders GROUP BY status ORDER BY status')
      .then(
        (r): Record<string, number> => Object.fromEntries(r.rows.map((row) => [row.status, row.n])),
        (): Record<string, number> => ({}),
      ),
    queueDepths(
      access.amqpUrl,
      access.saga.queues.flatMap((q) => [q, `${q}.dlq`]),
    ).catch(() => []),
    listOutbox(access).then(
      (rows) => rows.reduce<Record<string, number>>((counts, row) => ({ ...counts, [row.service]: (counts[row.service] ?? 0) + 1 }), {}),
      () => ({}),
    ),
    readRecentSagas(access, RECENT_SAGAS).catch((): RecentSaga[] => []),
    lab.state ? new FaultStore(lab.paths.faultsFile, lab.state.id).list().catch((): FaultRecord[] => []) : Promise.resolve<FaultRecord[]>([]),
  ]);
  const now = Date.now();
  const settled = (orders.CONFIRMED ?? 0) + (orders.CANCELLED ?? 0);
  const settledPerSecond = previous ? Math.round(((settled - previous.settled) / Math.max(0.001, (now - previous.atMs) / 1000)) * 10) / 10 : null;
  return {
    frame: {
      at: new Date(now).toISOString(),
      resources: resources.map(({ name, kind, phase, health, waitingFor }) => ({ name, kind, phase, health, ...(waitingFor ? { waitingFor } : {}) })),
      orders,
      settledPerSecond,
      queues,
      outbox,
      sagas,
      faults,
    },
    state: { settled, atMs: now },
  };
}
