import type { Document, MongoClient } from 'mongodb';
import { productImageUrl } from '../api/image-routes.js';

export interface ProductItem {
  sku: string;
  name: string;
  priceCents: number;
  category: string | null;
  available: number | null;
  /** The newest image's thumbnails, served by the BFF (/api/images/...); null: none yet. */
  image: ProductImageLinks | null;
}

export interface ProductImageLinks {
  imageId: string;
  width: number;
  height: number;
  thumbnails: { size: number; width: number; height: number; url: string }[];
}

/** The newest image of a catalogue document, its thumbnails as the BFF's URLs. */
export function imageLinksOf(sku: string, images: unknown): ProductImageLinks | null {
  const newest = Array.isArray(images)
    ? (images[0] as { imageId: string; width: number; height: number; thumbnails: { size: number; width: number; height: number }[] } | undefined)
    : undefined;
  if (!newest) return null;
  return {
    imageId: newest.imageId,
    width: newest.width,
    height: newest.height,
    thumbnails: newest.thumbnails.map(({ size, width, height }) => ({ size, width, height, url: productImageUrl(sku, newest.imageId, size) })),
  };
}

export interface ProductDetailView extends ProductItem {
  description: string;
  onHand: number | null;
  reserved: number | null;
}

/** The BFF's reads of the view databases; each throws when Mongo does not answer. */
export class ViewReader {
  constructor(private readonly client: MongoClient) {}

  private collection(db: string, name: string) {
    return this.client.db(db).collection<Document>(name);
  }

  async categoryExists(slug: string): Promise<boolean> {
    return (await this.collection('inventory_views', 'category_tree').countDocuments({ _id: slug } as Document, { limit: 1 })) > 0;
  }

  /** A page of products in a category (or its subcategories), by sku, with their stock. */
  async listProducts(filter: { category?: string | undefined; limit: number; offset: number }): Promise<ProductItem[]> {
    const query: Document = filter.category ? { categories: filter.category } : {};
    const products = await this.collection('inventory_views', 'product_list').find(query).sort({ sku: 1 }).skip(filter.offset).limit(filter.limit).toArray();
    const stock = await this.stockOf(products.map((p) => p.sku as string));
    return products.map((p) => ({
      sku: p.sku,
      name: p.name,
      priceCents: p.priceCents,
      category: p.category ?? null,
      available: stock.get(p.sku)?.available ?? null,
      image: imageLinksOf(p.sku, p.images),
    }));
  }

  async product(sku: string): Promise<ProductDetailView | undefined> {
    const product = await this.collection('inventory_views', 'product_list').findOne({ _id: sku } as Document);
    if (!product) return undefined;
    const stock = (await this.stockOf([sku])).get(sku);
    return {
      sku,
      name: product.name,
      description: product.description ?? '',
      priceCents: product.priceCents,
      category: product.category ?? null,
      available: stock?.available ?? null,
      image: imageLinksOf(sku, product.images),
      onHand: stock?.onHand ?? null,
      reserved: stock?.reserved ?? null,
    };
  }

  private async stockOf(skus: string[]): Promise<Map<string, { onHand: number; reserved: number; available: number }>> {
    if (skus.length === 0) return new Map();
    const rows = await this.collection('inventory_views', 'stock_levels')
      .find({ _id: { $in: skus } } as Document, { projection: { onHand: 1, reserved: 1, available: 1 } })
      .toArray();
    return new Map(rows.map((r) => [String(r._id), { onHand: r.onHand, reserved: r.reserved, available: r.available }]));
  }

  async orderDetails(orderId: string): Promise<Document | undefined> {
    return strip(await this.collection('order_views', 'order_details').findOne({ _id: orderId } as Document));
  }

  async payment(orderId: string): Promise<Document | null> {
    return strip(await this.collection('order_views', 'payment_info').findOne({ _id: orderId } as Document)) ?? null;
  }

  async deliveries(orderId: string): Promise<Document[]> {
    const rows = await this.collection('notification_views', 'delivery_status').find({ orderId }).sort({ updatedAt: 1 }).toArray();
    return rows.map((r) => strip(r)!);
  }

  async orderHistory(userId: string, page: { limit: number; offset: number }): Promise<Document[]> {
    const rows = await this.collection('order_views', 'order_history').find({ userId }).sort({ createdAt: -1 }).skip(page.offset).limit(page.limit).toArray();
    return rows.map((r) => strip(r)!);
  }

  async userSummary(userId: string): Promise<Document | null> {
    const doc = await this.collection('user_views', 'user_summary').findOne({ _id: userId } as Document);
    return strip(doc) ?? null;
  }
}

/** The projector's bookkeeping is not the frontend's business. */
function strip(doc: Document | null): Document | undefined {
  if (!doc) return undefined;
  const { _id, rev, versions, applied, ...rest } = doc;
  return rest;
}
