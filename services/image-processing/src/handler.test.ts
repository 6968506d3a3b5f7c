import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '@frank/kit/sqs-poller';
import type { ProductImageReady } from '@frank/contracts/images';
import { processImageEvent, uploadedObjectOf, type ImageDeps } from './handler.js';

const KEY = 'originals/SKU-0001/0123456789abcdef.jpeg';

/** S3's EventBridge notification as moto and AWS send it (only the fields read matter). */
const objectCreated = (key = KEY, overrides: Partial<EventBridgeEvent> = {}): EventBridgeEvent => ({
  version: '0',
  source: 'aws.s3',
  'detail-type': 'Object Created',
  time: 1767225600.5, // moto gives a Unix time, AWS an ISO string: neither is read
  resources: ['arn:aws:s3:::frank-product-images'],
  detail: { version: '0', bucket: { name: 'frank-product-images' }, object: { key, size: 1, etag: 'e' }, reason: 'PutObject' },
  ...overrides,
});

/** An in-memory bucket and bus: what the handler wrote and sent, in order. */
function store(objects: Record<string, Uint8Array>) {
  const written: string[] = [];
  const sent: { source: string; detailType: string; detail: ProductImageReady }[] = [];
  const deps: ImageDeps = {
    getObject: async (_bucket, key) => objects[key],
    putObject: async (_bucket, key, bytes) => {
      written.push(key);
      objects[key] = bytes;
    },
    putEvent: async (source, detailType, detail) => void sent.push({ source, detailType, detail }),
  };
  return { deps, written, sent, objects };
}

const photo = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#c84' } })
    .jpeg()
    .toBuffer();

describe('uploadedObjectOf', () => {
  it('reads the bucket, key, sku and image id of an Object Created event', () => {
    expect(uploadedObjectOf(objectCreated())).toEqual({ bucket: 'frank-product-images', key: KEY, sku: 'SKU-0001', imageId: '0123456789abcdef' });
  });

  it('refuses other events and keys not under originals/ as poison', () => {
    expect(() => uploadedObjectOf(objectCreated(KEY, { 'detail-type': 'Object Deleted' }))).toThrow(expect.objectContaining({ code: 'poison-message' }));
    expect(() => uploadedObjectOf(objectCreated(KEY, { source: 'frank.payment-provider' }))).toThrow(/not an S3 Object Created event/);
    expect(() => uploadedObjectOf(objectCreated('thumbnails/SKU-0001/0123456789abcdef/160.webp'))).toThrow(/is not originals\/<sku>/);
  });
});

describe('processImageEvent', () => {
  it('writes a 160 and a 480 wide WebP thumbnail, then sends product.image-ready naming them', async () => {
    const s = store({ [KEY]: await photo(1200, 800) });
    const ready = await processImageEvent(objectCreated(), s.deps);
    expect(s.written).toEqual(['thumbnails/SKU-0001/0123456789abcdef/160.webp', 'thumbnails/SKU-0001/0123456789abcdef/480.webp']);
    expect(s.sent).toEqual([{ source: 'frank.image-processing', detailType: 'product.image-ready', detail: ready }]);
    expect(ready).toMatchObject({
      sku: 'SKU-0001',
      imageId: '0123456789abcdef',
      original: { key: KEY, contentType: 'image/jpeg', width: 1200, height: 800 },
      thumbnails: [
        { size: 160, width: 160, height: 107, contentType: 'image/webp' },
        { size: 480, width: 480, height: 320, contentType: 'image/webp' },
      ],
    });
    expect(await sharp(s.objects['thumbnails/SKU-0001/0123456789abcdef/480.webp']).metadata()).toMatchObject({ format: 'webp', width: 480, height: 320 });
  });

  it('never enlarges a small original', async () => {
    const s = store({ [KEY]: await photo(200, 100) });
    const ready = await processImageEvent(objectCreated(), s.deps);
    expect(ready.thumbnails.map((t) => [t.size, t.width, t.height])).toEqual([
      [160, 160, 80],
      [480, 200, 100],
    ]);
  });

  it('gives the same bytes and the same event when the same original is processed twice', async () => {
    const original = await photo(640, 480);
    const first = store({ [KEY]: original });
    const second = store({ [KEY]: original });
    expect(await processImageEvent(objectCreated(), first.deps)).toEqual(await processImageEvent(objectCreated(), second.deps));
    for (const key of first.written) expect(Buffer.from(second.objects[key]!).equals(Buffer.from(first.objects[key]!)), key).toBe(true);
  });

  it('writes nothing and sends nothing for a bad original: not an image, truncated, empty, gone', async () => {
    const jpeg = await photo(640, 480);
    const cases: [string, Uint8Array | undefined, RegExp][] = [
      ['text', Buffer.from('name,price\n'), /not-an-image/],
      ['truncated', jpeg.subarray(0, 200), /does not decode/],
      ['empty', new Uint8Array(), /empty/],
      ['gone', undefined, /is gone/],
    ];
    for (const [what, bytes, message] of cases) {
      const s = store(bytes ? { [KEY]: bytes } : {});
      await expect(processImageEvent(objectCreated(), s.deps), what).rejects.toMatchObject({ code: 'poison-message', message: expect.stringMatching(message) });
      expect(s.written, what).toEqual([]);
      expect(s.sent, what).toEqual([]);
    }
  });

  it('lets a failed write or send throw as it is (not poison): SQS brings the event back', async () => {
    const s = store({ [KEY]: await photo(300, 300) });
    await expect(processImageEvent(objectCreated(), { ...s.deps, putEvent: () => Promise.reject(new Error('EventBridge away')) })).rejects.toThrow(
      'EventBridge away',
    );
  });
});
