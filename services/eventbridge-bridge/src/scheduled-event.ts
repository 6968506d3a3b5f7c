import type { EventData } from '@frank/contracts/events';
import { newEnvelope, type EventEnvelope } from '@frank/kit/envelope';
import { PoisonMessageError } from '@frank/kit/errors';
import { z } from 'zod';
import type { EventBridgeEvent } from './eventbridge-event.js';

export const SCHEDULED_SOURCE = 'aws.events';
export const SCHEDULED_DETAIL_TYPE = 'Scheduled Event';
export const SCHEDULE_FIRED = 'schedule.fired';

export type ScheduleFired = EventData['schedule.fired'];

/** What AWS puts in a scheduled rule's event: the rule's ARN as its one resource, the firing time. */
const scheduledEventSchema = z.object({
  id: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  resources: z.tuple([z.string().regex(/^arn:aws[\w-]*:events:[\w-]+:\d{12}:rule\/(?:[\w.-]+\/)?[\w.-]+$/, 'a rule ARN')]),
});

export interface ScheduledBridgeDeps {
  /** Resolves only once the broker has the message (publisher confirm). */
  publish(routingKey: string, envelope: EventEnvelope<ScheduleFired>): Promise<void>;
}

/**
 * Maps AWS's `Scheduled Event` to `schedule.fired`. The envelope id is the rule and the scheduled
 * time (`schedule-<rule>-<time>`), not EventBridge's event id: a second delivery of the same firing,
 * by SQS or by a second firer, is one message id that a consumer's inbox absorbs. Anything else is
 * poison. The same function runs in the lab's process and in the Lambda.
 */
export async function bridgeScheduledEvent(event: EventBridgeEvent, deps: ScheduledBridgeDeps): Promise<EventEnvelope<ScheduleFired>> {
  if (event?.source !== SCHEDULED_SOURCE || event['detail-type'] !== SCHEDULED_DETAIL_TYPE) {
    throw new PoisonMessageError(`not a scheduled event: source "${String(event?.source)}", detail-type "${String(event?.['detail-type'])}"`);
  }
  const parsed = scheduledEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new PoisonMessageError(`malformed scheduled event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'} ${i.message}`).join('; ')}`);
  }
  const ruleArn = parsed.data.resources[0];
  const rule = ruleArn.slice(ruleArn.lastIndexOf('/') + 1);
  const scheduledAt = new Date(parsed.data.time).toISOString();
  const id = `schedule-${rule}-${scheduledAt}`;
  const envelope: EventEnvelope<ScheduleFired> = {
    ...newEnvelope({
      type: SCHEDULE_FIRED,
      source: 'eventbridge-bridge',
      aggregateId: rule,
      data: { rule, ruleArn, scheduledAt, eventBridgeId: parsed.data.id },
    }),
    id,
    correlationId: id,
  };
  await deps.publish(SCHEDULE_FIRED, envelope);
  return envelope;
}
