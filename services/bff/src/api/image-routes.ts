/**
 * A product thumbnail's URL on the BFF: `GET /api/images/<sku>/<imageId>/<size>.webp` passes through
 * to inventory-service, which reads it from the private bucket, so the browser needs neither the
 * emulator's address nor AWS credentials.
 */
export const productImageUrl = (sku: string, imageId: string, size: number) =>
  `/api/images/${encodeURIComponent(sku)}/${encodeURIComponent(imageId)}/${size}.webp`;
