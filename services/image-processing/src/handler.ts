import {
  IMAGE_FORMATS,
  IMAGE_READY_DETAIL_TYPE,
  IMAGE_READY_SOURCE,
  parseOriginalKey,
  THUMBNAIL_CONTENT_TYPE,
  thumbnailKey,
  type ProductImageReady,
} from '@frank/contracts/images';
import { PoisonMessageError } from '@frank/kit/errors';
import type { EventBridgeEvent } from '@frank/kit/sqs-poller';
import { z } from 'zod';
import { makeThumbnails } from './make-thumbnails.js';

/** What the handler needs of AWS: S3 and EventBridge (src/aws-image-store.ts on the SDK). */
export interface ImageDeps {
  /** The object's bytes, or undefined when it is gone. */
  getObject(bucket: string, key: string): Promise<Uint8Array | undefined>;
  putObject(bucket: string, key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Resolves once EventBridge took the event; throws otherwise. */
  putEvent(source: string, detailType: string, detail: ProductImageReady): Promise<void>;
}

// S3's EventBridge notification (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html): only what is read.
const objectCreated = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({ bucket: z.object({ name: z.string().min(1) }), object: z.object({ key: z.string().min(1) }) }),
});

/** Reads an S3 Object Created event: the bucket and the original's key, or poison. */
export function uploadedObjectOf(event: EventBridgeEvent): { bucket: string; key: string; sku: string; imageId: string } {
  const parsed = objectCreated.safeParse(event);
  if (!parsed.success) {
    throw new PoisonMessageError(`not an S3 Object Created event: source "${String(event?.source)}", detail-type "${String(event?.['detail-type'])}"`);
  }
  const { bucket, object } = parsed.data.detail;
  const original = parseOriginalKey(object.key);
  if (!original) throw new PoisonMessageError(`object key "${object.key}" is not originals/<sku>/<16 hex digits>.<jpeg|png|webp>`);
  return { bucket: bucket.name, key: object.key, sku: original.sku, imageId: original.imageId };
}

/**
 * S3 told EventBridge an original was uploaded: make its thumbnails, write them beside it and put
 * `product.image-ready` on the bus. Every thumbnail is made before the first is written, and the
 * event goes only after all are, so a bad image leaves nothing half-written (PoisonMessageError:
 * the queue's redrive policy moves it to the dead-letter queue). The keys and bytes depend only on
 * the original, so an event handled twice writes the same objects and the same image id.
 */
export async function processImageEvent(event: EventBridgeEvent, deps: ImageDeps): Promise<ProductImageReady> {
  const { bucket, key, sku, imageId } = uploadedObjectOf(event);
  const bytes = await deps.getObject(bucket, key);
  if (!bytes) throw new PoisonMessageError(`s3://${bucket}/${key} is gone: nothing to make thumbnails of`);
  const made = await makeThumbnails(bytes);
  const thumbnails = made.thumbnails.map((t) => ({ ...t, key: thumbnailKey(sku, imageId, t.size) }));
  for (const t of thumbnails) await deps.putObject(bucket, t.key, t.bytes, THUMBNAIL_CONTENT_TYPE);
  const ready: ProductImageReady = {
    sku,
    imageId,
    bucket,
    original: { key, contentType: IMAGE_FORMATS[made.format], bytes: bytes.length, width: made.width, height: made.height },
    thumbnails: thumbnails.map(({ size, width, height, key: thumbnail }) => ({ size, width, height, key: thumbnail, contentType: THUMBNAIL_CONTENT_TYPE })),
  };
  await deps.putEvent(IMAGE_READY_SOURCE, IMAGE_READY_DETAIL_TYPE, ready);
  return ready;
}
