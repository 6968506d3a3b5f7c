import { randomUUID } from 'node:crypto';
import type { DbClient } from '@frank/kit';
import type { OrderLine } from '../domain/order-lines.js';
import type { ReservationFailureReason } from '../domain/plan-reservation.js';
import type { ReservationStatus } from '../domain/reservation-status.js';

/**
 * Claims the order's one reservation. Undefined when the order already has one: a concurrent
 * claim for the same order waits here on the unique index until the first commits, then finds it.
 */
export async function claimReservation(client: DbClient, orderId: string, sagaId: string | null): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO inventory_domain.reservations (id, order_id, saga_id, status) VALUES ($1, $2, $3, 'HELD')
     ON CONFLICT (order_id) DO NOTHING RETURNING id`,
    [randomUUID(), orderId, sagaId],
  );
  return rows[0]?.id;
}

export async function addReservationItems(client: DbClient, reservationId: string, lines: readonly OrderLine[]): Promise<void> {
  await client.query(
    `INSERT INTO inventory_domain.reservation_items (reservation_id, sku, qty)
     SELECT $1, sku, qty FROM unnest($2::text[], $3::int[]) AS l(sku, qty)`,
    [reservationId, lines.map((l) => l.sku), lines.map((l) => l.qty)],
  );
}

export async function rejectReservation(client: DbClient, reservationId: string, reason: ReservationFailureReason, sku: string): Promise<void> {
  await client.query(`UPDATE inventory_domain.reservations SET status = 'REJECTED', failure_reason = $2, failure_sku = $3, updated_at = now() WHERE id = $1`, [
    reservationId,
    reason,
    sku,
  ]);
}

export interface LockedReservation {
  id: string;
  status: ReservationStatus;
  items: OrderLine[];
}

/** The order's reservation, locked until the transaction ends, with its items in sku order. */
export async function lockReservationOfOrder(client: DbClient, orderId: string): Promise<LockedReservation | undefined> {
  const { rows } = await client.query<{ id: string; status: ReservationStatus }>(
    'SELECT id, status FROM inventory_domain.reservations WHERE order_id = $1 FOR UPDATE',
    [orderId],
  );
  const reservation = rows[0];
  if (!reservation) return undefined;
  const items = await client.query<OrderLine>('SELECT sku, qty FROM inventory_domain.reservation_items WHERE reservation_id = $1 ORDER BY sku', [
    reservation.id,
  ]);
  return { id: reservation.id, status: reservation.status, items: items.rows };
}

export async function setReservationStatus(client: DbClient, reservationId: string, status: ReservationStatus): Promise<void> {
  await client.query('UPDATE inventory_domain.reservations SET status = $2, updated_at = now() WHERE id = $1', [reservationId, status]);
}
