import { z } from 'zod';

/** The one envelope every event travels in, on RabbitMQ, in the outbox, the event stores and across the bridges. */
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

export const envelopeSchema = z.object({
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
  const id = event.id ?? globalThis.crypto.randomUUID();
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

/** Why a message body is not an envelope; a reader turns it into its own error (poison, unforwardable). */
export type EnvelopeProblem = { kind: 'not-json'; message: string } | { kind: 'not-an-envelope'; message: string };

/** A message body read as an envelope, or what is wrong with it. Never throws. */
export function readEnvelope(body: string): { envelope: EventEnvelope } | { problem: EnvelopeProblem } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problem: { kind: 'not-json', message: `message body is not JSON: ${body.slice(0, 120)}` } };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ');
    return { problem: { kind: 'not-an-envelope', message: `message is not an event envelope: ${issues}` } };
  }
  return { envelope: parsed.data as EventEnvelope };
}
