import { readEnvelope, type EventEnvelope } from '@frank/contracts/envelope';

// Only the contracts' envelope: importing the kit would pull Express, pg and amqplib into the Lambda bundle.

export type OrderOutcomeEnvelope = EventEnvelope<Record<string, unknown>>;

/** A message that no retry can forward: not JSON, not an envelope, or not an order outcome. */
export class UnforwardableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnforwardableMessageError';
  }
}

export function parseOrderOutcome(body: string): OrderOutcomeEnvelope {
  const read = readEnvelope(body);
  if ('problem' in read) throw new UnforwardableMessageError(read.problem.message);
  const { data } = read.envelope;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UnforwardableMessageError(`message is not an event envelope: data must be an object`);
  return read.envelope as OrderOutcomeEnvelope;
}
