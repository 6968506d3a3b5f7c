import type { z } from 'zod';
import { readEnvelope, type EventEnvelope } from '@frank/contracts/envelope';
import { PoisonMessageError } from '../errors.js';

export { newEnvelope, type EventEnvelope, type NewEvent } from '@frank/contracts/envelope';

/** Parses a message body; anything that is not an envelope is poison. */
export function parseEnvelope(body: Buffer): EventEnvelope {
  const read = readEnvelope(body.toString('utf8'));
  if ('problem' in read) throw new PoisonMessageError(read.problem.message);
  return read.envelope;
}

/**
 * An event's data read with the consumer's own schema (only the fields it uses): data that does
 * not fit is poison, since no retry makes it fit.
 */
export function dataOf<S extends z.ZodType>(schema: S, event: EventEnvelope): z.infer<S> {
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `data.${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
    throw new PoisonMessageError(`${event.type} ${event.id} has data that does not fit: ${problems}`, { type: event.type, eventId: event.id });
  }
  return parsed.data;
}
