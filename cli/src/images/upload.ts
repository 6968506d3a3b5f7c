import { readFile, stat } from 'node:fs/promises';
import { uploadProblem } from '@frank/contracts/images';
import { FrankError, UsageError } from '../errors.js';
import type { Lab } from '../lab/lab.js';
import { serviceUrl } from '../reports/service-url.js';

export interface UploadOptions {
  sku: string;
  file: string;
  /** Wait until the storefront's product API shows the image; 0: answer once inventory took it. */
  waitMs: number;
}

export interface UploadResult {
  sku: string;
  imageId: string;
  key: string;
  /** `processing` when not waited for, `ready` once the storefront shows it. */
  status: 'processing' | 'ready';
  /** The thumbnails' URLs on the BFF, once ready. */
  thumbnails: { size: number; width: number; height: number; url: string }[];
  elapsedMs: number;
}

/** Reads the file and refuses what the inventory API would refuse, with what to do instead. */
export async function readImageFile(file: string): Promise<Buffer> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UsageError(`No file at ${file}.`, { hint: 'Give the path of a JPEG, PNG or WebP image: npx frank images upload SKU-0001 ./photo.jpg' });
  if (!info.isFile()) throw new UsageError(`${file} is not a file.`, { hint: 'Give the path of a JPEG, PNG or WebP image.' });
  const bytes = await readFile(file);
  const problem = uploadProblem(bytes);
  if (problem) throw new UsageError(`${file}: ${problem.message}`);
  return bytes;
}

/**
 * `frank images upload`: the image goes to inventory's upload endpoint (S3, then EventBridge, then
 * image-processing's thumbnails, then product.image-ready to inventory and the views); then waits
 * until the BFF's product answer shows it, as a storefront would.
 */
export async function uploadProductImage(lab: Lab, options: UploadOptions): Promise<UploadResult> {
  const bytes = await readImageFile(options.file);
  const started = Date.now();
  const inventory = await serviceUrl(lab, 'inventory');
  const answer = await fetch(`${inventory}/admin/products/${encodeURIComponent(options.sku)}/image`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await answer.json().catch(() => ({}))) as { imageId?: string; key?: string; error?: { code: string; message: string } };
  if (answer.status === 404)
    throw new UsageError(body.error?.message ?? `No product with sku "${options.sku}".`, { hint: 'List the SKUs: curl -s localhost:3000/api/products' });
  if (!answer.ok || !body.imageId || !body.key) throw new FrankError(`inventory refused the image (${answer.status}): ${body.error?.message ?? 'no answer'}`);
  const result: UploadResult = { sku: options.sku, imageId: body.imageId, key: body.key, status: 'processing', thumbnails: [], elapsedMs: 0 };
  if (options.waitMs <= 0) return { ...result, elapsedMs: Date.now() - started };
  const bff = await serviceUrl(lab, 'bff');
  const deadline = started + options.waitMs;
  while (Date.now() < deadline) {
    const product = await fetch(`${bff}/api/products/${encodeURIComponent(options.sku)}`, { signal: AbortSignal.timeout(5_000) })
      .then((r) => (r.ok ? (r.json() as Promise<{ image?: { imageId: string; thumbnails: UploadResult['thumbnails'] } | null }>) : undefined))
      .catch(() => undefined);
    if (product?.image?.imageId === body.imageId) {
      return {
        ...result,
        status: 'ready',
        thumbnails: product.image.thumbnails.map((t) => ({ ...t, url: new URL(t.url, bff).href })),
        elapsedMs: Date.now() - started,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new FrankError(`The image ${body.imageId} of ${options.sku} was uploaded but the storefront does not show it after ${options.waitMs} ms.`, {
    hint: 'See npx frank logs image-processing and npx frank logs eventbridge-bridge; a bad image ends in the SQS queue frank-image-uploads-dlq.',
  });
}
