import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES, originalKey, parseOriginalKey, productImageReadySchema, sniffImageFormat, thumbnailKey, uploadProblem } from './images.js';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const WEBP = Uint8Array.from([...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WEBPVP8 ')]);

describe('upload rules', () => {
  it('tells JPEG, PNG and WebP by their first bytes, and nothing else', () => {
    expect(sniffImageFormat(JPEG)).toBe('jpeg');
    expect(sniffImageFormat(PNG)).toBe('png');
    expect(sniffImageFormat(WEBP)).toBe('webp');
    expect(sniffImageFormat(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('RIFF....WAVE'))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array())).toBeUndefined();
  });

  it('refuses an empty file, one over 5 MiB and one that is not an image, each saying what to do', () => {
    expect(uploadProblem(new Uint8Array())).toEqual({ code: 'empty', message: expect.stringMatching(/empty \(0 bytes\)\. Upload a JPEG, PNG or WebP image/) });
    const large = new Uint8Array(MAX_IMAGE_BYTES + 1);
    large.set(JPEG);
    expect(uploadProblem(large)).toEqual({ code: 'too-large', message: expect.stringMatching(/limit is 5242880 \(5 MiB\)\. Resize or compress it/) });
    expect(uploadProblem(Buffer.from('name,price\n'))).toMatchObject({ code: 'not-an-image' });
    const atLimit = new Uint8Array(MAX_IMAGE_BYTES);
    atLimit.set(PNG);
    expect(uploadProblem(atLimit)).toBeUndefined();
  });
});

describe('keys', () => {
  it('reads back the sku, image id and format of an original key, and refuses anything else', () => {
    const key = originalKey('SKU-0001', '0123456789abcdef', 'png');
    expect(key).toBe('originals/SKU-0001/0123456789abcdef.png');
    expect(parseOriginalKey(key)).toEqual({ sku: 'SKU-0001', imageId: '0123456789abcdef', format: 'png' });
    for (const bad of [
      'thumbnails/SKU-0001/0123456789abcdef.png',
      'originals/SKU-0001/0123456789abcdef.gif',
      'originals/SKU-0001/not-an-id.jpeg',
      'originals/SKU-0001/0123456789abcdef',
      'originals/a/b/0123456789abcdef.jpeg',
      'originals/../0123456789abcdef.jpeg',
    ])
      expect(parseOriginalKey(bad), bad).toBeUndefined();
    expect(thumbnailKey('SKU-0001', '0123456789abcdef', 160)).toBe('thumbnails/SKU-0001/0123456789abcdef/160.webp');
  });

  it('checks product.image-ready whole', () => {
    const ready = {
      sku: 'SKU-0001',
      imageId: '0123456789abcdef',
      bucket: 'frank-product-images',
      original: { key: 'originals/SKU-0001/0123456789abcdef.png', contentType: 'image/png', bytes: 10, width: 4, height: 3 },
      thumbnails: [{ size: 160, width: 4, height: 3, key: 'thumbnails/SKU-0001/0123456789abcdef/160.webp', contentType: 'image/webp' }],
    };
    expect(productImageReadySchema.parse(ready)).toEqual(ready);
    expect(productImageReadySchema.safeParse({ ...ready, thumbnails: [] }).success).toBe(false);
    expect(productImageReadySchema.safeParse({ ...ready, imageId: 'x' }).success).toBe(false);
  });
});
