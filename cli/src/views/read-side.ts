import { MongoClient, type Document } from 'mongodb';
import { FrankError } from '../errors.js';

/** The view documents the check compares, by collection (`order_views.order_details`, …). */
export type ViewDocuments = Record<string, Document[]>;

/** What only says how a document was written, not what it says: differs between a live projection and a rebuild. */
const BOOKKEEPING = new Set(['rev', 'applied', 'seededAt', 'updatedAt']);

export const CHECKED_COLLECTIONS = [
  'order_views.order_details',
  'order_views.order_history',
  'order_views.payment_info',
  'inventory_views.stock_levels',
  'inventory_views.product_list',
  'inventory_views.category_tree',
  'inventory_views.reservations',
  'user_views.user_summary',
  'user_views.user_profile',
  'user_views.user_activity',
  'notification_views.delivery_status',
  'notification_views.channel_performance',
  'notification_views.template_usage',
] as const;

/** Every view collection's documents, bookkeeping fields left out, sorted by _id: two reads compare with deep equality. */
export async function readViews(mongoUrl: string): Promise<ViewDocuments> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 3000, socketTimeoutMS: 15_000 });
  try {
    const views: ViewDocuments = {};
    for (const name of CHECKED_COLLECTIONS) {
      const [database, collection] = name.split('.') as [string, string];
      const docs = await client.db(database).collection(collection).find({}).toArray();
      views[name] = docs.map(withoutBookkeeping).sort((a, b) => String(a._id).localeCompare(String(b._id)));
    }
    return views;
  } catch (error) {
    throw new FrankError(`The read side (Mongo at ${mongoUrl}) cannot be read: ${(error as Error).message}`, {
      hint: 'Check `npx frank status`: is mongo healthy?',
    });
  } finally {
    await client.close().catch(() => undefined);
  }
}

function withoutBookkeeping(doc: Document): Document {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !BOOKKEEPING.has(key)));
}
