import { z } from 'zod';

/**
 * Product images (services/image-processing): where originals and thumbnails live in the bucket,
 * what an upload may be, and what `product.image-ready` carries. The inventory API, the image
 * handler, the CLI and the BFF all follow these rules, so they are written once here.
 */
export const PRODUCT_IMAGES_BUCKET = 'frank-product-images';
export const ORIGINALS_PREFIX = 'originals/';
export const THUMBNAILS_PREFIX = 'thumbnails/';
/** Larger uploads are refused: a product photo for a storefront needs far less. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** The thumbnails made of every image, by width in pixels (the height keeps the aspect ratio). */
export const THUMBNAIL_WIDTHS = [160, 480] as const;
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';

export const IMAGE_FORMATS = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
export type ImageFormat = keyof typeof IMAGE_FORMATS;

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const IMAGE_ID = /^[0-9a-f]{16}$/;

/** The format an upload's first bytes announce (JPEG, PNG or WebP), or undefined for anything else. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (offset: number, ...expected: number[]) => expected.every((b, i) => bytes[offset + i] === b);
  if (starts(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0, 0x52, 0x49, 0x46, 0x46) && starts(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  return undefined;
}

export type UploadProblem = { code: 'empty' | 'too-large' | 'not-an-image'; message: string };

/** Why an upload cannot be a product image, or undefined when it may be one. */
export function uploadProblem(bytes: Uint8Array): UploadProblem | undefined {
  if (bytes.length === 0) return { code: 'empty', message: 'The file is empty (0 bytes). Upload a JPEG, PNG or WebP image.' };
  if (bytes.length > MAX_IMAGE_BYTES)
    return {
      code: 'too-large',
      message: `The file has ${bytes.length} bytes; the limit is ${MAX_IMAGE_BYTES} (5 MiB). Resize or compress it and upload it again.`,
    };
  if (!sniffImageFormat(bytes)) return { code: 'not-an-image', message: 'The file is not a JPEG, PNG or WebP image (its first bytes say otherwise).' };
  return undefined;
}

export const isSku = (sku: string) => SKU.test(sku);

/** `originals/<sku>/<imageId>.<format>`: the image id is derived from the bytes, so one image uploaded twice is one object. */
export function originalKey(sku: string, imageId: string, format: ImageFormat): string {
  return `${ORIGINALS_PREFIX}${sku}/${imageId}.${format}`;
}

export function parseOriginalKey(key: string): { sku: string; imageId: string; format: ImageFormat } | undefined {
  if (!key.startsWith(ORIGINALS_PREFIX)) return undefined;
  const match = /^([^/]+)\/([^/.]+)\.(jpeg|png|webp)$/.exec(key.slice(ORIGINALS_PREFIX.length));
  if (!match || !isSku(match[1]!) || !IMAGE_ID.test(match[2]!)) return undefined;
  return { sku: match[1]!, imageId: match[2]!, format: match[3] as ImageFormat };
}

/** `thumbnails/<sku>/<imageId>/<size>.webp`, size one of THUMBNAIL_WIDTHS. */
export function thumbnailKey(sku: string, imageId: string, size: number): string {
  return `${THUMBNAILS_PREFIX}${sku}/${imageId}/${size}.webp`;
}

/** `product.image-ready`: published by image-processing on EventBridge, brought to RabbitMQ by eventbridge-bridge. */
export const productImageReadySchema = z.object({
  sku: z.string().regex(SKU),
  imageId: z.string().regex(IMAGE_ID),
  bucket: z.string().min(1),
  original: z.object({
    key: z.string().min(1),
    contentType: z.string().min(1),
    bytes: z.number().int().positive(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  thumbnails: z
    .array(
      z.object({
        size: z.number().int().positive(),
        width: z.number().int().positive(),
        height: z.number().int().positive(),
        key: z.string().min(1),
        contentType: z.string().min(1),
      }),
    )
    .min(1),
});
export type ProductImageReady = z.infer<typeof productImageReadySchema>;

/** The source and detail-type of `product.image-ready` on EventBridge, and its envelope id: one image is one message. */
export const IMAGE_READY_SOURCE = 'frank.image-processing';
export const IMAGE_READY_DETAIL_TYPE = 'product.image-ready';
export const imageReadyEventId = (sku: string, imageId: string) => `image-ready-${sku}-${imageId}`;
