import type { RecentSaga } from '@frank/contracts/frames';
import type { LabAccess } from './lab-access.js';

export type { RecentSaga } from '@frank/contracts/frames';

/** The `limit` latest orders, newest first, each with its saga's status and step. */
export async function readRecentSagas(access: LabAccess, limit: number): Promise<RecentSaga[]> {
  const { rows } = await access.report('orders').query<{
    id: string;
    saga_id: string;
    status: string;
    saga_status: string | null;
    saga_step: string | null;
    total_cents: string;
    cancel_reason: string | null;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT o.id::text, o.saga_id::text, o.status, s.status AS saga_status, s.step AS saga_step, o.total_cents::text, o.cancel_reason, o.created_at, o.updated_at
       FROM saga_report.orders o LEFT JOIN saga_coord.saga_state s ON s.saga_id = o.saga_id
      ORDER BY o.created_at DESC, o.id
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    orderId: r.id,
    sagaId: r.saga_id,
    orderStatus: r.status,
    sagaStatus: r.saga_status,
    sagaStep: r.saga_step,
    totalCents: Number(r.total_cents),
    cancelReason: r.cancel_reason,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}
