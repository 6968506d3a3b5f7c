import type { EventEnvelope } from '@frank/kit/envelope';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { bridgeWebhookEvent } from './handler.js';
import { bridgeScheduledEvent, SCHEDULED_SOURCE } from './scheduled-event.js';

export interface ExternalBridgeDeps {
  /** Resolves only once the broker has the message (publisher confirm). */
  publish(routingKey: string, envelope: EventEnvelope): Promise<void>;
}

/** Whatever reaches the bridge from EventBridge, by its source: AWS's own events, else the PSP's webhooks. */
export function bridgeExternalEvent(event: EventBridgeEvent, deps: ExternalBridgeDeps): Promise<EventEnvelope> {
  return event?.source === SCHEDULED_SOURCE ? bridgeScheduledEvent(event, deps) : bridgeWebhookEvent(event, deps);
}
