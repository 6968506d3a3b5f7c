import { describe, expect, it } from 'vitest';
import { LOW_STOCK_SKUS, planCatalogue, PRODUCT_COUNT, SOLD_OUT_SKU } from './catalogue-plan.js';

describe('planCatalogue', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planCatalogue(1)).toEqual(planCatalogue(1));
    expect(planCatalogue(2).products).not.toEqual(planCatalogue(1).products);
  });

  it('has a category tree of three roots, parents before children, and products only in leaves', () => {
    const { categories, products } = planCatalogue(1);
    expect(categories.filter((c) => c.parentId === null)).toHaveLength(3);
    const seen = new Set<number>();
    for (const c of categories) {
      if (c.parentId !== null) expect(seen.has(c.parentId)).toBe(true);
      seen.add(c.id);
    }
    const parents = new Set(categories.map((c) => c.parentId));
    for (const p of products) expect(parents.has(p.categoryId)).toBe(false);
    expect(new Set(categories.map((c) => c.slug)).size).toBe(categories.length);
  });

  it('has deterministic skus, integer prices and stock, with fixed low-stock and sold-out products', () => {
    const { products } = planCatalogue(7);
    expect(products).toHaveLength(PRODUCT_COUNT);
    expect(products[0]!.sku).toBe('SKU-0001');
    for (const p of products) {
      expect(Number.isInteger(p.priceCents) && p.priceCents > 0).toBe(true);
      expect(Number.isInteger(p.onHand) && p.onHand >= 0).toBe(true);
    }
    expect(LOW_STOCK_SKUS.map((sku) => products.find((p) => p.sku === sku)!.onHand)).toEqual([1, 2, 3]);
    expect(products.find((p) => p.sku === SOLD_OUT_SKU)!.onHand).toBe(0);
  });
});
