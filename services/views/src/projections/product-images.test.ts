import { describe, expect, it } from 'vitest';
import { reduceProductImages, type ProductWithImages } from './product-images.js';

const image = (imageId: string) => ({
  data: {
    sku: 'SKU-0001',
    imageId,
    bucket: 'b',
    original: { key: `originals/SKU-0001/${imageId}.png`, contentType: 'image/png', bytes: 10, width: 640, height: 480 },
    thumbnails: [{ size: 160, width: 160, height: 120, key: `thumbnails/SKU-0001/${imageId}/160.webp`, contentType: 'image/webp' }],
  },
});
const product: ProductWithImages & { sku: string; name: string; priceCents: number } = { _id: 'SKU-0001', sku: 'SKU-0001', name: 'Lamp', priceCents: 1200 };

describe('reduceProductImages', () => {
  it('puts the newest image first on the catalogue document, keeping what else it holds', () => {
    const once = reduceProductImages(product, image('aaaaaaaaaaaaaaaa'))!;
    const twice = reduceProductImages(once, image('bbbbbbbbbbbbbbbb'))!;
    expect(twice).toMatchObject({ name: 'Lamp', priceCents: 1200 });
    expect(twice.images!.map((i) => i.imageId)).toEqual(['bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa']);
    expect(twice.images![0]).toEqual({
      imageId: 'bbbbbbbbbbbbbbbb',
      width: 640,
      height: 480,
      thumbnails: [{ size: 160, width: 160, height: 120, key: 'thumbnails/SKU-0001/bbbbbbbbbbbbbbbb/160.webp' }],
    });
  });

  it('changes nothing for an image it has, or a product it does not know', () => {
    const once = reduceProductImages(product, image('aaaaaaaaaaaaaaaa'))!;
    expect(reduceProductImages(once, image('aaaaaaaaaaaaaaaa'))).toBeUndefined();
    expect(reduceProductImages(undefined, image('aaaaaaaaaaaaaaaa'))).toBeUndefined();
  });
});
