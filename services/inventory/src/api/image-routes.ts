import { createHash } from 'node:crypto';
import {
  IMAGE_FORMATS,
  isSku,
  MAX_IMAGE_BYTES,
  originalKey,
  sniffImageFormat,
  THUMBNAIL_CONTENT_TYPE,
  THUMBNAIL_WIDTHS,
  thumbnailKey,
  uploadProblem,
} from '@frank/contracts/images';
import { errorFields, HttpError, type Logger, type Pool } from '@frank/kit';
import express, { Router } from 'express';
import type { ImageBucket } from '../persistence/image-bucket.js';
import { imagesOf, productExists } from '../persistence/product-images.js';

const STATUS_OF = { empty: 400, 'too-large': 413, 'not-an-image': 415 } as const;
const CODE_OF = { empty: 'validation-failed', 'too-large': 'too-large', 'not-an-image': 'unsupported-media-type' } as const;

/**
 * `PUT /admin/products/:sku/image` (the raw bytes): an admin endpoint like `/admin/stock`. A bad file
 * is refused before anything is written; a good one becomes `originals/<sku>/<imageId>.<format>` in
 * the bucket (the id from its bytes), and S3's event starts the thumbnails. 202: not ready yet.
 */
export function imageRoutes(pool: Pool, bucket: ImageBucket | undefined, log: Logger): Router {
  const router = Router();
  const bucketOrRefuse = (): ImageBucket => {
    if (!bucket) throw new HttpError(503, 'unavailable', "Product images need S3: add aws to inventory's uses in frank.yaml; nothing was uploaded.");
    return bucket;
  };
  // One byte over the limit is enough to know the file is too large.
  const raw = express.raw({ type: () => true, limit: MAX_IMAGE_BYTES + 1 });

  router.put('/admin/products/:sku/image', raw, async (req, res) => {
    const sku = req.params.sku;
    if (!(await productExists(pool, sku))) throw new HttpError(404, 'not-found', `No product with sku "${sku}"; nothing was uploaded.`, { field: 'sku' });
    const bytes: Uint8Array = Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
    const problem = uploadProblem(bytes);
    if (problem)
      throw new HttpError(STATUS_OF[problem.code], CODE_OF[problem.code], `${problem.message} Nothing was uploaded.`, { field: 'file', reason: problem.code });
    const format = sniffImageFormat(bytes)!;
    const imageId = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const key = originalKey(sku, imageId, format);
    if ((await imagesOf(pool, sku)).some((image) => image.imageId === imageId)) return void res.json({ sku, imageId, key, status: 'ready' });
    const target = bucketOrRefuse();
    try {
      await target.put(key, bytes, IMAGE_FORMATS[format]);
    } catch (error) {
      log.warn('image not stored in S3', { sku, key, ...errorFields(error) });
      throw new HttpError(502, 'bad-gateway', `S3 did not take the image (${errorFields(error).error}); nothing was uploaded. Try again.`);
    }
    res.status(202).json({ sku, imageId, key, status: 'processing' });
  });

  // A thumbnail never changes (its key comes from the original's bytes): cached for a year.
  router.get('/products/:sku/images/:imageId/:file', async (req, res) => {
    const { sku, imageId, file } = req.params;
    const size = Number(/^(\d+)\.webp$/.exec(file)?.[1]);
    if (!isSku(sku) || !/^[0-9a-f]{16}$/.test(imageId) || !(THUMBNAIL_WIDTHS as readonly number[]).includes(size)) {
      throw new HttpError(404, 'not-found', `No thumbnail ${req.path}: expected /products/<sku>/images/<image id>/<${THUMBNAIL_WIDTHS.join('|')}>.webp`);
    }
    const source = bucketOrRefuse();
    let bytes: Uint8Array | undefined;
    try {
      bytes = await source.get(thumbnailKey(sku, imageId, size));
    } catch (error) {
      log.warn('thumbnail not read from S3', { path: req.path, ...errorFields(error) });
      throw new HttpError(502, 'bad-gateway', `S3 did not answer for ${req.path}; try again.`);
    }
    if (!bytes) throw new HttpError(404, 'not-found', `No thumbnail ${req.path}.`);
    res.setHeader('content-type', THUMBNAIL_CONTENT_TYPE);
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.end(Buffer.from(bytes));
  });

  router.get('/products/:sku/images', async (req, res) => {
    if (!(await productExists(pool, req.params.sku))) throw new HttpError(404, 'not-found', `No product with sku "${req.params.sku}".`, { field: 'sku' });
    res.json(await imagesOf(pool, req.params.sku));
  });

  return router;
}
