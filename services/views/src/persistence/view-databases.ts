import type { Collection, Document, MongoClient } from 'mongodb';
import { forgetDocuments } from './cas-update.js';

/** The read side's Mongo databases (DESIGN.md, "Read side") and the collections the projectors keep. */
export const VIEW_DATABASES = {
  order_views: ['order_details', 'order_history', 'payment_info'],
  inventory_views: ['product_list', 'stock_levels', 'category_tree', 'reservations'],
  user_views: ['user_summary', 'user_profile', 'user_activity', 'user_orders'],
  notification_views: ['delivery_status', 'channel_performance', 'template_usage'],
} as const;

export type ViewDatabase = keyof typeof VIEW_DATABASES;

/**
 * What shape each view database's documents have. Bump one when its projection changes what it
 * writes: at start, views built by another version are rebuilt from the event stores.
 */
export const PROJECTION_VERSIONS: Record<ViewDatabase, number> = {
  order_views: 2,
  inventory_views: 2,
  user_views: 2,
  notification_views: 2,
};
export type ViewCollection<D extends ViewDatabase> = (typeof VIEW_DATABASES)[D][number];
export const PROJECTOR_STATUS = 'projector_status';

export function isViewDatabase(name: string): name is ViewDatabase {
  return Object.hasOwn(VIEW_DATABASES, name);
}

/**
 * The view collections. A store with a suffix is the shadow a rebuild writes into, beside the
 * live collections, until `replaceLive` swaps it in.
 */
export class ViewStore {
  constructor(
    readonly client: MongoClient,
    readonly suffix = '',
  ) {}

  /** The shadow of this store: the same collections under `<name><suffix>`. */
  shadow(suffix: string): ViewStore {
    return new ViewStore(this.client, suffix);
  }

  collection<D extends ViewDatabase>(database: D, name: ViewCollection<D> | typeof PROJECTOR_STATUS): Collection<Document> {
    return this.client.db(database).collection(name === PROJECTOR_STATUS ? name : `${name}${this.suffix}`);
  }

  /** The indexes the BFF's queries and the projectors' lookups need. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection('order_views', 'order_history').createIndex({ userId: 1, createdAt: -1 }, { name: 'by_user_recent' });
    await this.collection('order_views', 'order_details').createIndex({ userId: 1 }, { name: 'by_user' });
    await this.collection('inventory_views', 'product_list').createIndex({ categories: 1, sku: 1 }, { name: 'by_category_sku' });
    await this.collection('inventory_views', 'product_list').createIndex({ sku: 1 }, { name: 'by_sku' });
    await this.collection('inventory_views', 'category_tree').createIndex({ parent: 1 }, { name: 'by_parent' });
    await this.collection('notification_views', 'delivery_status').createIndex({ orderId: 1 }, { name: 'by_order' });
    await this.collection('user_views', 'user_profile').createIndex({ email: 1 }, { name: 'by_email' });
    await this.collection('user_views', 'user_orders').createIndex({ userId: 1 }, { name: 'by_user' });
  }

  /** Empties this store's collections of one view database (a shadow before a rebuild writes it). */
  async clear(database: ViewDatabase): Promise<void> {
    for (const name of VIEW_DATABASES[database]) await this.collection(database, name).drop().catch(ignoreMissing);
    forgetDocuments(database);
  }

  /** Swaps this shadow's collections of one view database in for the live ones, each in one rename. */
  async replaceLive(database: ViewDatabase): Promise<void> {
    if (!this.suffix) throw new Error('the live store cannot replace itself');
    const db = this.client.db(database);
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of VIEW_DATABASES[database]) {
      const shadowName = `${name}${this.suffix}`;
      if (!existing.has(shadowName)) {
        await db.collection(name).drop().catch(ignoreMissing);
        continue;
      }
      try {
        await db.renameCollection(shadowName, name, { dropTarget: true });
      } catch (error) {
        if (!/not implemented/i.test((error as Error).message)) throw error;
        // FerretDB v1 has no dropTarget: drop, then rename; readers find the collection missing for that moment.
        await db.collection(name).drop().catch(ignoreMissing);
        await db.renameCollection(shadowName, name);
      }
    }
    forgetDocuments(database);
  }
}

function ignoreMissing(error: unknown): void {
  const { code, codeName } = error as { code?: number; codeName?: string };
  if (code !== 26 && codeName !== 'NamespaceNotFound') throw error;
}
