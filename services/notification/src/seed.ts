import type pg from 'pg';
import { upsertTemplate } from './persistence/templates.js';

export interface SeedOptions {
  seed: number;
  secrets: { jwtSecret: string };
}

// Fixed ids: the seed is the same for every seed number, and running it twice changes nothing.
const TEMPLATES = [
  {
    id: '6f0c2a52-0c1e-4e43-9a0b-000000000001',
    name: 'order-confirmed',
    channel: 'email',
    subject: 'Your order {{orderId}} is confirmed',
    body: 'Hello {{name}},\n\nwe received your payment of {{amount}} for order {{orderId}}. It is on its way.\n\nfrank',
  },
  {
    id: '6f0c2a52-0c1e-4e43-9a0b-000000000002',
    name: 'order-confirmed',
    channel: 'sms',
    subject: null,
    body: 'frank: order {{orderId}} confirmed, {{amount}} paid. Thank you, {{name}}!',
  },
  {
    id: '6f0c2a52-0c1e-4e43-9a0b-000000000003',
    name: 'order-cancelled',
    channel: 'email',
    subject: 'Your order {{orderId}} was cancelled',
    body: 'Hello {{name}},\n\nwe are sorry: order {{orderId}} was cancelled ({{reason}}). Nothing was charged.\n\nfrank',
  },
] as const;

/** The message templates; idempotent. */
export async function seed(client: pg.ClientBase, _options: SeedOptions): Promise<void> {
  for (const template of TEMPLATES) await upsertTemplate(client, template);
}
