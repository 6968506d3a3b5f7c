import type pg from 'pg';
import type { ChannelName } from '../domain/simulated-channel.js';

export interface Template {
  id: string;
  name: string;
  channel: ChannelName;
  subject: string | null;
  body: string;
  updatedAt: Date;
}

const COLUMNS = 'id, name, channel, subject, body, updated_at AS "updatedAt"';

export async function findTemplate(client: pg.ClientBase, name: string, channel: ChannelName): Promise<Template | undefined> {
  const { rows } = await client.query<Template>(`SELECT ${COLUMNS} FROM notification_domain.templates WHERE name = $1 AND channel = $2`, [name, channel]);
  return rows[0];
}

export async function listTemplates(client: pg.ClientBase | pg.Pool): Promise<Template[]> {
  const { rows } = await client.query<Template>(`SELECT ${COLUMNS} FROM notification_domain.templates ORDER BY name, channel`);
  return rows;
}

/** Inserts or changes a template; one that is already as given is left alone, updated_at included. */
export async function upsertTemplate(client: pg.ClientBase, template: Omit<Template, 'updatedAt'>): Promise<void> {
  await client.query(
    `INSERT INTO notification_domain.templates (id, name, channel, subject, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (name, channel) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_at = now()
     WHERE templates.subject IS DISTINCT FROM EXCLUDED.subject OR templates.body IS DISTINCT FROM EXCLUDED.body`,
    [template.id, template.name, template.channel, template.subject, template.body],
  );
}
