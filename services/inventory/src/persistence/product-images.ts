import type { DbClient, Pool } from '@frank/kit';

export interface ProductImage {
  imageId: string;
  contentType: string;
  width: number;
  height: number;
  thumbnails: { size: number; width: number; height: number; key: string; contentType: string }[];
  readyAt: string;
}

export interface ReadyImage extends Omit<ProductImage, 'readyAt'> {
  sku: string;
  bucket: string;
  originalKey: string;
}

/** Records an image once: the same image ready twice (a redelivery, a second upload) changes nothing. */
export async function recordProductImage(client: DbClient, image: ReadyImage): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO inventory_domain.product_images (sku, image_id, bucket, original_key, content_type, width, height, thumbnails)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sku, image_id) DO NOTHING`,
    [image.sku, image.imageId, image.bucket, image.originalKey, image.contentType, image.width, image.height, JSON.stringify(image.thumbnails)],
  );
  return (rowCount ?? 0) > 0;
}

/** A product's images, the newest first. */
export async function imagesOf(pool: Pool | DbClient, sku: string): Promise<ProductImage[]> {
  const { rows } = await pool.query<{
    image_id: string;
    content_type: string;
    width: number;
    height: number;
    thumbnails: ProductImage['thumbnails'];
    ready_at: Date;
  }>(
    `SELECT image_id, content_type, width, height, thumbnails, ready_at FROM inventory_domain.product_images WHERE sku = $1 ORDER BY ready_at DESC, image_id`,
    [sku],
  );
  return rows.map((r) => ({
    imageId: r.image_id,
    contentType: r.content_type,
    width: r.width,
    height: r.height,
    thumbnails: r.thumbnails,
    readyAt: r.ready_at.toISOString(),
  }));
}

export async function productExists(pool: Pool | DbClient, sku: string): Promise<boolean> {
  return ((await pool.query('SELECT 1 FROM inventory_domain.products WHERE sku = $1', [sku])).rowCount ?? 0) > 0;
}
