import type { Collection, Db, Document, MongoClient } from 'mongodb';

/** The read side's Mongo databases (DESIGN.md, "Read side") and the collections the projectors keep. */
export const VIEW_DATABASES = {
  order_views: ['order_details', 'order_history', 'payment_info'],
  inventory_views: ['product_list', 'stock_levels', 'category_tree', 'reservations'],
  user_views: ['user_summary'],
  notification_views: ['delivery_status'],
} as const;

export type ViewDatabase = keyof typeof VIEW_DATABASES;
export const PROJECTOR_STATUS = 'projector_status';

export class ViewStore {
  constructor(readonly client: MongoClient) {}

  db(name: ViewDatabase): Db {
    return this.client.db(name);
  }

  collection<D extends ViewDatabase>(database: D, name: (typeof VIEW_DATABASES)[D][number] | typeof PROJECTOR_STATUS): Collection<Document> {
    return this.client.db(database).collection(name);
  }

  /** The indexes the BFF's queries and the projectors' lookups need. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection('order_views', 'order_history').createIndex({ userId: 1, createdAt: -1 }, { name: 'by_user_recent' });
    await this.collection('order_views', 'order_details').createIndex({ userId: 1 }, { name: 'by_user' });
    await this.collection('inventory_views', 'product_list').createIndex({ categories: 1, sku: 1 }, { name: 'by_category_sku' });
    await this.collection('inventory_views', 'product_list').createIndex({ sku: 1 }, { name: 'by_sku' });
    await this.collection('inventory_views', 'category_tree').createIndex({ parent: 1 }, { name: 'by_parent' });
    await this.collection('notification_views', 'delivery_status').createIndex({ orderId: 1 }, { name: 'by_order' });
  }

  /** Drops every view database: the start of a rebuild. */
  async dropAll(): Promise<void> {
    for (const name of Object.keys(VIEW_DATABASES) as ViewDatabase[]) await this.db(name).dropDatabase();
  }
}
