import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@frank/kit/envelope';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { bridgeEvent } from './handler.js';

const ready = {
  sku: 'SKU-0001',
  imageId: '0123456789abcdef',
  bucket: 'frank-product-images',
  original: { key: 'originals/SKU-0001/0123456789abcdef.png', contentType: 'image/png', bytes: 10, width: 4, height: 3 },
  thumbnails: [{ size: 160, width: 4, height: 3, key: 'thumbnails/SKU-0001/0123456789abcdef/160.webp', contentType: 'image/webp' }],
};
const event = (detail: unknown = ready, id = 'eb-1'): EventBridgeEvent => ({
  id,
  source: 'frank.image-processing',
  'detail-type': 'product.image-ready',
  detail,
});

function recorder() {
  const published: { routingKey: string; envelope: EventEnvelope<unknown> }[] = [];
  return { published, publish: async (routingKey: string, envelope: EventEnvelope<unknown>) => void published.push({ routingKey, envelope }) };
}

describe('bridgeEvent: product.image-ready', () => {
  it('publishes it with the id image-ready-<sku>-<imageId> and the sku as aggregate', async () => {
    const deps = recorder();
    await bridgeEvent(event(), deps);
    expect(deps.published).toEqual([
      {
        routingKey: 'product.image-ready',
        envelope: expect.objectContaining({
          id: 'image-ready-SKU-0001-0123456789abcdef',
          type: 'product.image-ready',
          source: 'eventbridge-bridge',
          aggregateId: 'SKU-0001',
          correlationId: 'image-ready-SKU-0001-0123456789abcdef',
          sagaId: null,
          data: ready,
        }),
      },
    ]);
  });

  it('gives the same image processed twice one message id', async () => {
    const deps = recorder();
    await bridgeEvent(event(ready, 'eb-1'), deps);
    await bridgeEvent(event(ready, 'eb-2'), deps);
    expect(deps.published.map((p) => p.envelope.id)).toEqual(['image-ready-SKU-0001-0123456789abcdef', 'image-ready-SKU-0001-0123456789abcdef']);
  });

  it('refuses a malformed detail as poison, publishing nothing, and still bridges webhooks', async () => {
    const deps = recorder();
    await expect(bridgeEvent(event({ ...ready, thumbnails: [] }), deps)).rejects.toMatchObject({
      code: 'poison-message',
      message: expect.stringMatching(/thumbnails/),
    });
    expect(deps.published).toEqual([]);
    const webhook = { webhookId: 'w-1', paymentId: 'p-1', providerRef: 'psp_1', outcome: 'succeeded', amountCents: 100 };
    await bridgeEvent({ source: 'frank.payment-provider', 'detail-type': 'payment.webhook', detail: webhook }, deps);
    expect(deps.published.map((p) => p.envelope.id)).toEqual(['webhook-w-1']);
  });
});
