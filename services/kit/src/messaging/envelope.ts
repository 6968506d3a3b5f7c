import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PoisonMessageError } from '../errors.js';

/** The one envelope every event travels in. */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  source: string;
  time: string;
  sagaId: string | null;
  correlationId: string;
  causationId: string | null;
  aggregateId: string;
  version: number;
  data: T;
}

const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  source: z.string().min(1),
  time: z.string().min(1),
  sagaId: z.string().nullable(),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  aggregateId: z.string().min(1),
  version: z.number().int(),
  data: z.unknown(),
});

export interface NewEvent<T> {
  type: string;
  source: string;
  aggregateId: string;
  data: T;
  /** The event this one answers: its saga, correlation and causation carry over. */
  causedBy?: Pick<EventEnvelope, 'id' | 'sagaId' | 'correlationId'>;
  sagaId?: string | null;
  version?: number;
  /** A fixed id makes the event its own idempotency key (a webhook carries one); default: a new UUID. */
  id?: string;
}

export function newEnvelope<T>(event: NewEvent<T>): EventEnvelope<T> {
  const id = event.id ?? randomUUID();
  return {
    id,
    type: event.type,
    source: event.source,
    time: new Date().toISOString(),
    sagaId: event.sagaId ?? event.causedBy?.sagaId ?? null,
    correlationId: event.causedBy?.correlationId ?? id,
    causationId: event.causedBy?.id ?? null,
    aggregateId: event.aggregateId,
    version: event.version ?? 1,
    data: event.data,
  };
}

/** Parses a message body; anything that is not an envelope is poison. */
export function parseEnvelope(body: Buffer): EventEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new PoisonMessageError('message body is not JSON', { body: body.toString('utf8').slice(0, 200) }, { cause: error });
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw new PoisonMessageError(
      `message is not an event envelope: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data as EventEnvelope;
}
