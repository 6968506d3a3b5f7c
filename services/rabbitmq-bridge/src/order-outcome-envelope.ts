import { z } from 'zod';

// The bridge's own copy of the envelope: importing the kit would pull Express, pg and amqplib
// into the Lambda bundle.

export interface OrderOutcomeEnvelope {
  id: string;
  type: string;
  source: string;
  time: string;
  sagaId: string | null;
  correlationId: string;
  causationId: string | null;
  aggregateId: string;
  version: number;
  data: Record<string, unknown>;
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
  data: z.record(z.string(), z.unknown()),
});

/** A message that no retry can forward: not JSON, not an envelope, or not an order outcome. */
export class UnforwardableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnforwardableMessageError';
  }
}

export function parseOrderOutcome(body: string): OrderOutcomeEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnforwardableMessageError(`message body is not JSON: ${body.slice(0, 120)}`);
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success)
    throw new UnforwardableMessageError(
      `message is not an event envelope: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
