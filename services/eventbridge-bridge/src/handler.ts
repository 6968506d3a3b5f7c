import { paymentWebhookSchema, type EventData } from '@frank/contracts/events';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { newEnvelope, type EventEnvelope } from '@frank/kit/envelope';
import { PoisonMessageError } from '@frank/kit/errors';
import { imageReadyEnvelope, isImageReadyEvent } from './image-ready.js';
import { bridgeScheduledEvent, SCHEDULED_SOURCE } from './scheduled-event.js';

export const WEBHOOK_SOURCE = 'frank.payment-provider';
export const WEBHOOK_DETAIL_TYPE = 'payment.webhook';
export const WEBHOOK_EVENT_TYPE = 'payment.webhook';

export type PaymentWebhook = EventData['payment.webhook'];

export interface BridgeDeps<Data = PaymentWebhook> {
  /** Resolves only once the broker has the message (publisher confirm). */
  publish(routingKey: string, envelope: EventEnvelope<Data>): Promise<void>;
}

/**
 * Maps the provider's EventBridge event to the `payment.webhook` envelope and publishes it. The
 * envelope id is derived from the webhook id, so a webhook delivered twice (by the PSP or by SQS)
 * is one message id that the consumer's inbox absorbs. Anything that is not a webhook is poison:
 * no retry can fix it. The same function runs in the lab's process and in a Lambda.
 */
export async function bridgeWebhookEvent(event: EventBridgeEvent, deps: BridgeDeps): Promise<EventEnvelope<PaymentWebhook>> {
  if (event?.source !== WEBHOOK_SOURCE || event['detail-type'] !== WEBHOOK_DETAIL_TYPE) {
    throw new PoisonMessageError(`not a payment webhook: source "${String(event?.source)}", detail-type "${String(event?.['detail-type'])}"`);
  }
  const parsed = paymentWebhookSchema.safeParse(event.detail);
  if (!parsed.success) {
    throw new PoisonMessageError(`malformed webhook detail: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(detail)'} ${i.message}`).join('; ')}`);
  }
  const webhook = parsed.data;
  const id = `webhook-${webhook.webhookId}`;
  const envelope: EventEnvelope<PaymentWebhook> = {
    ...newEnvelope({ type: WEBHOOK_EVENT_TYPE, source: 'eventbridge-bridge', aggregateId: webhook.paymentId, data: webhook }),
    // A webhook starts its own causal chain: it is its own correlation.
    id,
    correlationId: id,
  };
  await deps.publish(WEBHOOK_EVENT_TYPE, envelope);
  return envelope;
}

/**
 * Every event the bridge carries from EventBridge to RabbitMQ, by its source: AWS's own scheduled
 * events, image-processing's image-ready, else the PSP's webhooks.
 */
export async function bridgeEvent(event: EventBridgeEvent, deps: BridgeDeps<unknown>): Promise<EventEnvelope<unknown>> {
  if (event?.source === SCHEDULED_SOURCE) return bridgeScheduledEvent(event, deps);
  if (event && isImageReadyEvent(event)) {
    const envelope = imageReadyEnvelope(event);
    await deps.publish(envelope.type, envelope);
    return envelope;
  }
  return bridgeWebhookEvent(event, deps);
}
