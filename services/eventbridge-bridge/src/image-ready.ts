import { IMAGE_READY_DETAIL_TYPE, IMAGE_READY_SOURCE, imageReadyEventId, productImageReadySchema, type ProductImageReady } from '@frank/contracts/images';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { newEnvelope, type EventEnvelope } from '@frank/kit/envelope';
import { PoisonMessageError } from '@frank/kit/errors';

export const IMAGE_READY_EVENT_TYPE = 'product.image-ready';

export const isImageReadyEvent = (event: EventBridgeEvent) => event?.source === IMAGE_READY_SOURCE && event['detail-type'] === IMAGE_READY_DETAIL_TYPE;

/**
 * image-processing's `product.image-ready` from EventBridge as the lab's envelope: id
 * `image-ready-<sku>-<imageId>`, so the same image processed twice is one message id that each
 * consumer's inbox absorbs; aggregate = the sku.
 */
export function imageReadyEnvelope(event: EventBridgeEvent): EventEnvelope<ProductImageReady> {
  const parsed = productImageReadySchema.safeParse(event.detail);
  if (!parsed.success) {
    throw new PoisonMessageError(
      `malformed image-ready detail: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(detail)'} ${i.message}`).join('; ')}`,
    );
  }
  const ready = parsed.data;
  const id = imageReadyEventId(ready.sku, ready.imageId);
  return { ...newEnvelope({ type: IMAGE_READY_EVENT_TYPE, source: 'eventbridge-bridge', aggregateId: ready.sku, data: ready }), id, correlationId: id };
}
