import type { DbClient } from '@frank/kit';

export interface Recipient {
  orderId: string;
  userId: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  currency: string;
}

/** The first order.created wins; a repeated one (another message id, same order) changes nothing. */
export async function saveRecipient(client: DbClient, recipient: Recipient): Promise<void> {
  await client.query(
    `INSERT INTO notification_domain.recipients (order_id, user_id, email, name, phone, currency)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING`,
    [recipient.orderId, recipient.userId, recipient.email, recipient.name, recipient.phone, recipient.currency],
  );
}

export async function findRecipient(client: DbClient, orderId: string): Promise<Recipient | undefined> {
  const { rows } = await client.query<Recipient>(
    'SELECT order_id AS "orderId", user_id AS "userId", email, name, phone, currency FROM notification_domain.recipients WHERE order_id = $1',
    [orderId],
  );
  return rows[0];
}
