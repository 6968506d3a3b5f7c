import type pg from 'pg';
import type { SagaStatus } from '../domain/saga-transition.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** saga_coord.saga_state: the step is the last event that moved the saga. */
export async function startSaga(db: Queryable, sagaId: string, orderId: string): Promise<void> {
  await db.query("INSERT INTO saga_coord.saga_state (saga_id, step, status, data) VALUES ($1, 'order.created', 'STARTED', $2)", [
    sagaId,
    JSON.stringify({ orderId }),
  ]);
}

export async function advanceSaga(db: Queryable, sagaId: string, step: string, status: SagaStatus): Promise<void> {
  await db.query('UPDATE saga_coord.saga_state SET step = $2, status = $3, updated_at = clock_timestamp() WHERE saga_id = $1', [sagaId, step, status]);
}
