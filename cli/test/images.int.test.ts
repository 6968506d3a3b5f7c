import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MongoClient } from 'mongodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from './lab-fixture.js';
import { connectSagaLab, until, type SagaLab } from './saga-fixture.js';

const BUCKET = 'frank-product-images';

interface Uploaded {
  sku: string;
  imageId: string;
  key: string;
  status: string;
  thumbnails: { size: number; width: number; height: number; url: string }[];
}

/** A photo-like image of its own: a gradient with a coloured square, so each seed gives other bytes. */
function picture(seed: number, width = 640, height = 480) {
  const square = Buffer.from(
    `<svg width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#${(seed * 2654435761).toString(16).slice(-6).padStart(6, '0')}"/><stop offset="1" stop-color="#224"/></linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#g)"/><rect x="${40 + seed}" y="60" width="200" height="160" fill="#fc3"/></svg>`,
  );
  return sharp(square);
}

/**
 * Product images for real: `frank images upload` → inventory → S3 → S3's EventBridge notification →
 * rule → SQS → image-processing (sharp) → thumbnails in S3 → product.image-ready on EventBridge →
 * eventbridge-bridge → RabbitMQ → inventory's database and the views' Mongo → the BFF.
 */
describe('product images on EventBridge', () => {
  let dir: string;
  let lab: SagaLab;
  let s3: S3Client;
  let sqs: SQSClient;
  let mongo: MongoClient;

  const rows = async (sql: string, params: unknown[] = []) => (await lab.db('inventory').query(sql, params)).rows;
  const keysUnder = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
  const upload = async (sku: string, file: string) => {
    const run = await runFrank(dir, ['images', 'upload', sku, file, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as Uploaded;
  };
  const put = (sku: string, body: Uint8Array, contentType = 'application/octet-stream') =>
    fetch(`${lab.url('inventory')}/admin/products/${sku}/image`, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: new Blob([new Uint8Array(body)]),
    });

  beforeAll(async () => {
    dir = await makeLabDir();
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    lab = await connectSagaLab(dir);
    const aws = {
      endpoint: lab.env.AWS_ENDPOINT_URL!,
      region: lab.env.AWS_REGION!,
      credentials: { accessKeyId: lab.env.AWS_ACCESS_KEY_ID!, secretAccessKey: lab.env.AWS_SECRET_ACCESS_KEY! },
    };
    s3 = new S3Client({ ...aws, forcePathStyle: true });
    sqs = new SQSClient(aws);
    mongo = new MongoClient(lab.env.MONGO_URL!);
  }, 300_000);

  afterAll(async () => {
    s3?.destroy();
    sqs?.destroy();
    await mongo?.close();
    await lab?.close();
    if (dir) await removeLabDir(dir);
  });

  it('a JPEG and a PNG become thumbnails in S3, reach inventory and the views, and the BFF serves them', async () => {
    const files = { jpeg: path.join(dir, 'photo.jpg'), png: path.join(dir, 'photo.png') };
    await writeFile(files.jpeg, await picture(1).jpeg({ quality: 85 }).toBuffer());
    await writeFile(files.png, await picture(2, 300, 200).png().toBuffer());
    const cases = [
      { sku: 'SKU-0001', file: files.jpeg, format: 'jpeg', contentType: 'image/jpeg', width: 640 },
      { sku: 'SKU-0002', file: files.png, format: 'png', contentType: 'image/png', width: 300 },
    ];
    for (const c of cases) {
      const uploaded = await upload(c.sku, c.file);
      expect(uploaded).toMatchObject({ sku: c.sku, status: 'ready', key: `originals/${c.sku}/${uploaded.imageId}.${c.format}` });
      // 160 and 480 wide, never wider than the original.
      expect(uploaded.thumbnails.map((t) => [t.size, t.width])).toEqual([
        [160, 160],
        [480, Math.min(480, c.width)],
      ]);
      expect(await keysUnder(`thumbnails/${c.sku}/${uploaded.imageId}/`)).toEqual([
        `thumbnails/${c.sku}/${uploaded.imageId}/160.webp`,
        `thumbnails/${c.sku}/${uploaded.imageId}/480.webp`,
      ]);
      const small = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `thumbnails/${c.sku}/${uploaded.imageId}/160.webp` }));
      expect(await sharp(await small.Body!.transformToByteArray()).metadata()).toMatchObject({ format: 'webp', width: 160 });

      // inventory recorded it in its own database, once.
      expect(
        await rows('SELECT content_type, width, thumbnails FROM inventory_domain.product_images WHERE sku = $1 AND image_id = $2', [c.sku, uploaded.imageId]),
      ).toEqual([{ content_type: c.contentType, width: c.width, thumbnails: expect.arrayContaining([expect.objectContaining({ size: 160, width: 160 })]) }]);
      // The views projected it onto the catalogue document.
      const doc = await until(
        async () => {
          const found = await mongo
            .db('inventory_views')
            .collection('product_list')
            .findOne({ _id: c.sku as never });
          return (found?.images as { imageId: string }[] | undefined)?.some((i) => i.imageId === uploaded.imageId) ? found : undefined;
        },
        20_000,
        `the views' ${c.sku} with its image`,
      );
      expect(doc!.images[0]).toMatchObject({ imageId: uploaded.imageId, width: c.width });
      // The browser's URL: through the BFF, a WebP.
      const answer = await fetch(uploaded.thumbnails[1]!.url);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/webp');
      expect((await sharp(Buffer.from(await answer.arrayBuffer())).metadata()).width).toBe(Math.min(480, c.width));
    }
  });

  it('the same image twice is one image: one row, one message in the inbox, the same thumbnails', async () => {
    const file = path.join(dir, 'again.jpg');
    const bytes = await picture(3).jpeg().toBuffer();
    await writeFile(file, bytes);
    const first = await upload('SKU-0003', file);
    const imageId = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    expect(first.imageId).toBe(imageId);
    const thumbnail = async () =>
      Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `thumbnails/SKU-0003/${imageId}/160.webp` }))).Body!.transformToByteArray());
    const before = await thumbnail();
    // Through the API again: it is ready already.
    expect(await upload('SKU-0003', file)).toMatchObject({ imageId, status: 'ready' });
    // Straight into the bucket again: S3 announces it again and image-processing does it all again.
    const done = (await rows("SELECT count(*)::int AS n FROM saga_coord.inbox WHERE message_id = 'image-ready-SKU-0003-' || $1", [imageId]))[0].n as number;
    expect(done).toBe(1);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: first.key, Body: bytes, ContentType: 'image/jpeg' }));
    const log = path.join(dir, '.frank', 'logs', 'image-processing.log');
    const { readFile } = await import('node:fs/promises');
    const processed = async () => ((await readFile(log, 'utf8')).match(new RegExp(`"imageId":"${imageId}"`, 'g')) ?? []).length;
    await until(async () => (await processed()) >= 2, 20_000, 'the second processing of the same original');
    expect((await thumbnail()).equals(before)).toBe(true);
    // The bridge's second product.image-ready carries the same id: the inbox absorbed it, no second row.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await rows('SELECT image_id FROM inventory_domain.product_images WHERE sku = $1', ['SKU-0003'])).toEqual([{ image_id: imageId }]);
    expect((await rows("SELECT count(*)::int AS n FROM saga_coord.inbox WHERE message_id = 'image-ready-SKU-0003-' || $1", [imageId]))[0].n).toBe(1);
  });

  it('refuses bad files through the API with a clear error, and writes nothing', async () => {
    const before = await keysUnder('originals/SKU-0004/');
    const jpeg = await picture(4).jpeg().toBuffer();
    const tooLarge = Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024)]);
    const cases = [
      { what: 'empty', sku: 'SKU-0004', body: new Uint8Array(), status: 400, code: 'validation-failed', message: /empty \(0 bytes\)/ },
      {
        what: 'not an image',
        sku: 'SKU-0004',
        body: Buffer.from('name,price\nlamp,12\n'),
        status: 415,
        code: 'unsupported-media-type',
        message: /not a JPEG, PNG or WebP/,
      },
      { what: 'too large', sku: 'SKU-0004', body: tooLarge, status: 413, code: 'too-large', message: /5 MiB|larger than/ },
      { what: 'unknown SKU', sku: 'SKU-9999', body: jpeg, status: 404, code: 'not-found', message: /No product with sku "SKU-9999"/ },
    ];
    for (const c of cases) {
      const answer = await put(c.sku, c.body);
      const body = (await answer.json()) as { error: { code: string; message: string } };
      expect({ what: c.what, status: answer.status, code: body.error.code }).toEqual({ what: c.what, status: c.status, code: c.code });
      expect(body.error.message, c.what).toMatch(c.message);
    }
    expect(await keysUnder('originals/SKU-0004/')).toEqual(before);
    expect(await keysUnder('originals/SKU-9999/')).toEqual([]);
    expect(await rows('SELECT image_id FROM inventory_domain.product_images WHERE sku = $1', ['SKU-0004'])).toEqual([]);

    // The CLI refuses the same before it sends anything, and says what to do.
    await writeFile(path.join(dir, 'empty.jpg'), '');
    await writeFile(path.join(dir, 'prices.csv'), 'name,price\n');
    const empty = await runFrank(dir, ['images', 'upload', 'SKU-0004', 'empty.jpg']);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toMatch(/empty \(0 bytes\)\. Upload a JPEG, PNG or WebP image/);
    const csv = await runFrank(dir, ['images', 'upload', 'SKU-0004', 'prices.csv']);
    expect(csv.exitCode).toBe(2);
    expect(csv.stderr).toMatch(/not a JPEG, PNG or WebP image/);
    const missing = await runFrank(dir, ['images', 'upload', 'SKU-0004', 'nowhere.jpg']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/No file at nowhere\.jpg/);
    const unknown = await runFrank(dir, ['images', 'upload', 'SKU-9999', path.join(dir, 'photo.jpg')]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/No product with sku "SKU-9999"/);
  });

  it('a bad object put straight into the bucket ends in the dead-letter queue, with no thumbnails and no image-ready', async () => {
    const imageId = 'badbadbadbad0001';
    const key = `originals/SKU-0005/${imageId}.jpeg`;
    // A JPEG's first bytes and then nothing an image decoder can read.
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a photo')]) }),
    );
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'frank-image-uploads-dlq' }));
    const dead = await until(
      async () => {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0 }));
        return Messages.find((m) => JSON.parse(m.Body!).detail?.object?.key === key);
      },
      30_000,
      'the bad object in frank-image-uploads-dlq',
    );
    expect(JSON.parse(dead.Body!)).toMatchObject({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: BUCKET }, object: { key } } });
    expect(await keysUnder(`thumbnails/SKU-0005/`)).toEqual([]);
    expect(await rows('SELECT image_id FROM inventory_domain.product_images WHERE sku = $1', ['SKU-0005'])).toEqual([]);
    expect(await rows("SELECT message_id FROM saga_coord.inbox WHERE message_id LIKE 'image-ready-SKU-0005-%'")).toEqual([]);
  });
});
