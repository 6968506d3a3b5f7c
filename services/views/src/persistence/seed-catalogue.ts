import { errorFields, type Logger } from '@frank/kit';
import { seedStockLevel, type StockLevel } from '../projections/inventory-views.js';
import { casUpdate } from './cas-update.js';
import { catalogueImageOf, type CatalogueImage } from '../projections/product-images.js';
import type { ViewStore } from './view-databases.js';

interface CategoryNode {
  id: number;
  slug: string;
  name: string;
  children: CategoryNode[];
}

interface ProductDetail {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  category: string | null;
  onHand: number;
  reserved: number;
  /** Absent from an inventory-service that predates product images. */
  images?: CatalogueImage[];
}

async function getJson<T>(url: URL): Promise<T> {
  const answer = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  if (!answer.ok) throw new Error(`GET ${url.pathname} answered ${answer.status}`);
  return (await answer.json()) as T;
}

/**
 * The catalogue is not in any event, so inventory_views starts from inventory-service's own
 * answer: category_tree and product_list are replaced by it; stock_levels take the snapshot only
 * where they have none yet (after that the events keep them current).
 */
export async function seedCatalogue(store: ViewStore, inventoryUrl: string): Promise<{ products: number; categories: number }> {
  const tree = await getJson<CategoryNode[]>(new URL('/categories', inventoryUrl));
  const categories = store.collection('inventory_views', 'category_tree');
  const ancestorsOf = new Map<string, string[]>();
  const walk = async (nodes: CategoryNode[], ancestors: string[], parent: string | null) => {
    for (const node of nodes) {
      ancestorsOf.set(node.slug, ancestors);
      await categories.replaceOne(
        { _id: node.slug } as never,
        { id: node.id, slug: node.slug, name: node.name, parent, ancestors, children: node.children.map((c) => c.slug) },
        { upsert: true },
      );
      await walk(node.children, [...ancestors, node.slug], node.slug);
    }
  };
  await walk(tree, [], null);

  const skus: string[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await getJson<{ sku: string }[]>(new URL(`/products?limit=200&offset=${offset}`, inventoryUrl));
    skus.push(...page.map((p) => p.sku));
    if (page.length < 200) break;
  }
  const products = store.collection('inventory_views', 'product_list');
  const stock = store.collection('inventory_views', 'stock_levels');
  for (const sku of skus) {
    const takenAt = new Date().toISOString();
    const product = await getJson<ProductDetail>(new URL(`/products/${encodeURIComponent(sku)}`, inventoryUrl));
    const categoryPath = product.category ? [...(ancestorsOf.get(product.category) ?? []), product.category] : [];
    await products.replaceOne(
      { _id: sku } as never,
      {
        sku,
        name: product.name,
        description: product.description,
        priceCents: product.priceCents,
        category: product.category,
        categories: categoryPath,
        images: (product.images ?? []).map(catalogueImageOf),
      },
      { upsert: true },
    );
    await casUpdate<StockLevel>(stock, sku, (current) => seedStockLevel(current, product, takenAt));
  }
  return { products: skus.length, categories: ancestorsOf.size };
}

/** Seeds until inventory-service answers, with backoff; resolves once it has. */
export async function seedUntilDone(store: ViewStore, inventoryUrl: string, log: Logger, stopped: () => boolean): Promise<void> {
  let delay = 500;
  while (!stopped()) {
    try {
      const counts = await seedCatalogue(store, inventoryUrl);
      log.info('catalogue seeded into inventory_views', counts);
      return;
    } catch (error) {
      log.warn('catalogue seed failed; retrying', { ...errorFields(error), retryInMs: delay });
      await new Promise((resolve) => setTimeout(resolve, delay));
      // views is not ready until this is done, and inventory-service starts beside it: retry soon.
      delay = Math.min(delay * 2, 2_000);
    }
  }
}
