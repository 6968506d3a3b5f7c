/**
 * `npm run bench:images`: upload-to-storefront latency of a product image. Each of 20 uploads is a
 * new 1600×1200 JPEG (about 200 KB) of another product, sent as `frank images upload` sends it; the
 * clock runs from the PUT to inventory until the BFF's product answer (what the storefront reads)
 * shows its thumbnails: S3, its EventBridge notification, the rule, SQS, the image handler (sharp),
 * EventBridge again, the bridge, RabbitMQ, the views' projection and the cache invalidation.
 * Figures go to stdout and to bench/results/images.json.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { $ } from 'zx';
import { uploadProductImage } from '../cli/src/images/upload.js';
import { randomLabOffset } from '../cli/src/lab/ephemeral-ports.js';
import { openLab } from '../cli/src/lab/lab.js';
import { REPOSITORY_ROOT } from '../cli/src/lab/paths.js';

$.quiet = true;
const frank = path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js');
const uploads = Number(process.env.BENCH_UPLOADS ?? 20);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

/** A photo-sized JPEG of its own: noise over a colour, so no two uploads are one image. */
async function photo(i: number): Promise<Buffer> {
  const noise = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 40 + i * 7, sigma: 30 } } })
    .png()
    .toBuffer();
  return sharp(noise).resize(1600, 1200).jpeg({ quality: 80 }).toBuffer();
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'frank-bench-images-'));
await chmod(dir, 0o755);
const config = path.join(dir, 'frank.yaml');
await copyFile(path.join(REPOSITORY_ROOT, 'frank.yaml'), config);
const offset = await randomLabOffset(config);
const latencies: number[] = [];
let bytes = 0;
try {
  await $({ cwd: dir })`node ${frank} up --port-offset ${offset}`;
  const lab = await openLab({ config });
  for (let i = 0; i < uploads; i++) {
    const file = path.join(dir, `photo-${i}.jpg`);
    const image = await photo(i);
    bytes += image.length;
    await writeFile(file, image);
    const sku = `SKU-${String((i % 50) + 1).padStart(4, '0')}`;
    const result = await uploadProductImage(lab, { sku, file, waitMs: 60_000 });
    latencies.push(result.elapsedMs);
  }
} finally {
  await $({ cwd: dir, nothrow: true })`node ${frank} down --purge`;
  await rm(dir, { recursive: true, force: true });
}

const result = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  uploads,
  averageBytes: Math.round(bytes / uploads),
  uploadToStorefrontMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies), min: Math.min(...latencies) },
  samples: latencies,
};
await mkdir(path.join(REPOSITORY_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(path.join(REPOSITORY_ROOT, 'bench', 'results', 'images.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`Product images in the lab (${result.machine})
  upload → storefront shows the thumbnails   p50 ${result.uploadToStorefrontMs.p50} ms, p95 ${result.uploadToStorefrontMs.p95} ms, max ${result.uploadToStorefrontMs.max} ms  (${uploads} JPEGs of ${Math.round(result.averageBytes / 1024)} KB, one after another; the BFF is asked every 50 ms)`);
