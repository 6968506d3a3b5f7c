import type { Pool } from '@frank/kit';
import type { CategoryRow } from '../domain/category-tree.js';

export interface ProductSummary {
  sku: string;
  name: string;
  priceCents: number;
  available: number;
  category: string | null;
}

export interface ProductDetail extends ProductSummary {
  description: string;
  onHand: number;
  reserved: number;
}

interface ProductRow {
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  on_hand: number;
  reserved: number;
  category: string | null;
}

const SELECT_PRODUCT = `
  SELECT p.sku, p.name, p.description, p.price_cents, c.slug AS category,
         COALESCE(s.on_hand, 0) AS on_hand, COALESCE(s.reserved, 0) AS reserved
    FROM inventory_domain.products p
    LEFT JOIN inventory_domain.categories c ON c.id = p.category_id
    LEFT JOIN inventory_domain.stock s ON s.sku = p.sku`;

export async function categoryExists(pool: Pool, slug: string): Promise<boolean> {
  return ((await pool.query('SELECT 1 FROM inventory_domain.categories WHERE slug = $1', [slug])).rowCount ?? 0) > 0;
}

/** Products in sku order; with a category, those of the category and everything below it. */
export async function listProducts(pool: Pool, filter: { category?: string | undefined; limit: number; offset: number }): Promise<ProductSummary[]> {
  const { rows } = await pool.query<ProductRow>(
    `WITH RECURSIVE below AS (
       SELECT id FROM inventory_domain.categories WHERE slug = $1
       UNION ALL
       SELECT c.id FROM inventory_domain.categories c JOIN below b ON c.parent_id = b.id
     )
     ${SELECT_PRODUCT}
     WHERE $1::text IS NULL OR p.category_id IN (SELECT id FROM below)
     ORDER BY p.sku LIMIT $2 OFFSET $3`,
    [filter.category ?? null, filter.limit, filter.offset],
  );
  return rows.map((r) => ({ sku: r.sku, name: r.name, priceCents: r.price_cents, available: r.on_hand - r.reserved, category: r.category }));
}

export async function findProduct(pool: Pool, sku: string): Promise<ProductDetail | undefined> {
  const { rows } = await pool.query<ProductRow>(`${SELECT_PRODUCT} WHERE p.sku = $1`, [sku]);
  const r = rows[0];
  if (!r) return undefined;
  return {
    sku: r.sku,
    name: r.name,
    description: r.description,
    priceCents: r.price_cents,
    available: r.on_hand - r.reserved,
    onHand: r.on_hand,
    reserved: r.reserved,
    category: r.category,
  };
}

export async function listCategories(pool: Pool): Promise<CategoryRow[]> {
  const { rows } = await pool.query<{ id: number; parent_id: number | null; name: string; slug: string }>(
    'SELECT id, parent_id, name, slug FROM inventory_domain.categories ORDER BY id',
  );
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, name: r.name, slug: r.slug }));
}
