import type { CategoryRow } from './category-tree.js';
import { pick, randomInt, seededRandom } from '@frank/kit/random';

export interface PlannedProduct {
  sku: string;
  name: string;
  description: string;
  categoryId: number;
  priceCents: number;
  onHand: number;
  createdAt: string;
}

export interface CataloguePlan {
  categories: CategoryRow[];
  products: PlannedProduct[];
}

export const PRODUCT_COUNT = 60;
/** Fixed whatever the seed, so oversell scenarios know where to aim: 1, 2 and 3 units. */
export const LOW_STOCK_SKUS = ['SKU-0057', 'SKU-0058', 'SKU-0059'] as const;
/** Fixed whatever the seed: a product with no stock at all. */
export const SOLD_OUT_SKU = 'SKU-0060';

interface Leaf {
  id: number;
  nouns: readonly string[];
  priceCents: readonly [number, number];
}

// The tree's shape is fixed (its ids are the seed's fixed keys); the seed varies the products.
const CATEGORIES: CategoryRow[] = [
  { id: 1, parentId: null, name: 'Electronics', slug: 'electronics' },
  { id: 2, parentId: 1, name: 'Computers', slug: 'computers' },
  { id: 3, parentId: 2, name: 'Laptops', slug: 'laptops' },
  { id: 4, parentId: 2, name: 'Computer Accessories', slug: 'computer-accessories' },
  { id: 5, parentId: 1, name: 'Audio', slug: 'audio' },
  { id: 6, parentId: 5, name: 'Headphones', slug: 'headphones' },
  { id: 7, parentId: 5, name: 'Speakers', slug: 'speakers' },
  { id: 8, parentId: null, name: 'Home & Kitchen', slug: 'home-kitchen' },
  { id: 9, parentId: 8, name: 'Cookware', slug: 'cookware' },
  { id: 10, parentId: 8, name: 'Furniture', slug: 'furniture' },
  { id: 11, parentId: null, name: 'Outdoor', slug: 'outdoor' },
  { id: 12, parentId: 11, name: 'Camping', slug: 'camping' },
  { id: 13, parentId: 11, name: 'Cycling', slug: 'cycling' },
];

const LEAVES: readonly Leaf[] = [
  { id: 3, nouns: ['Laptop', 'Notebook', 'Ultrabook'], priceCents: [49_900, 249_900] },
  { id: 4, nouns: ['Mouse', 'Keyboard', 'USB-C Hub', 'Webcam'], priceCents: [1_500, 12_900] },
  { id: 6, nouns: ['Headphones', 'Earbuds', 'Headset'], priceCents: [2_900, 39_900] },
  { id: 7, nouns: ['Speaker', 'Soundbar', 'Bookshelf Speaker'], priceCents: [3_900, 59_900] },
  { id: 9, nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Wok'], priceCents: [1_900, 18_900] },
  { id: 10, nouns: ['Desk', 'Chair', 'Bookshelf', 'Side Table'], priceCents: [4_900, 69_900] },
  { id: 12, nouns: ['Tent', 'Sleeping Bag', 'Lantern', 'Camp Stove'], priceCents: [1_900, 44_900] },
  { id: 13, nouns: ['Helmet', 'Bike Light', 'Saddle', 'Pump'], priceCents: [1_200, 14_900] },
];

const ADJECTIVES = ['Compact', 'Classic', 'Pro', 'Lite', 'Rugged', 'Studio', 'Urban', 'Trail', 'Smart', 'Eco'] as const;
const EPOCH = Date.parse('2026-01-01T00:00:00Z');

export function skuOf(index: number): string {
  return `SKU-${String(index).padStart(4, '0')}`;
}

/** The whole catalogue for a seed number: same seed, same rows, down to created_at. */
export function planCatalogue(seed: number): CataloguePlan {
  const random = seededRandom(seed);
  const categoryName = new Map(CATEGORIES.map((c) => [c.id, c.name]));
  const products: PlannedProduct[] = [];
  for (let index = 1; index <= PRODUCT_COUNT; index++) {
    const sku = skuOf(index);
    const leaf = LEAVES[(index - 1) % LEAVES.length]!;
    const adjective = pick(random, ADJECTIVES);
    const noun = pick(random, leaf.nouns);
    // Prices end in 99 cents, like a shop's.
    const priceCents = Math.floor(randomInt(random, leaf.priceCents[0], leaf.priceCents[1]) / 100) * 100 + 99;
    const drawn = randomInt(random, 10, 100);
    const low = LOW_STOCK_SKUS.indexOf(sku as (typeof LOW_STOCK_SKUS)[number]);
    const onHand = sku === SOLD_OUT_SKU ? 0 : low >= 0 ? low + 1 : drawn;
    products.push({
      sku,
      name: `${adjective} ${noun}`,
      description: `A ${adjective.toLowerCase()} ${noun.toLowerCase()} from the ${categoryName.get(leaf.id)} range.`,
      categoryId: leaf.id,
      priceCents,
      onHand,
      createdAt: new Date(EPOCH + index * 60_000).toISOString(),
    });
  }
  return { categories: CATEGORIES.map((c) => ({ ...c })), products };
}
