import type { Lab } from '../lab/lab.js';
import { getJson, serviceUrl } from './service-url.js';

/** analytics' GET /reports/sales-by-month: each month with its products. */
interface MonthSales {
  month: string;
  orders: number;
  units: number;
  revenueCents: number;
  products: { sku: string; orders: number; units: number; revenueCents: number }[];
}
interface CustomerLtv {
  userId: string;
  email: string;
  name: string;
  orders: number;
  ltvCents: number;
}
interface Product {
  sku: string;
  name: string;
  available: number;
}

export interface InventoryAdvice {
  sku: string;
  name: string;
  available: number;
  unitsPerDay: number;
  /** Days the available stock lasts at this month's pace; null when nothing sold. */
  daysOfCover: number | null;
  reorder: boolean;
}

export interface AnalyticsReport {
  salesByMonth: MonthSales[];
  topCustomers: CustomerLtv[];
  summary: Record<string, unknown>;
  inventory: InventoryAdvice[];
}

/** Reorder what would run out within this many days at the current month's pace. */
export const REORDER_WITHIN_DAYS = 14;

/**
 * The BI report: sales per month and top customers by lifetime value from analytics' cubes,
 * and inventory optimisation joining this month's sales pace with inventory's available stock.
 */
export async function analyticsReport(lab: Lab, options: { top: number; now?: Date }): Promise<AnalyticsReport> {
  const analytics = await serviceUrl(lab, 'analytics');
  const inventory = await serviceUrl(lab, 'inventory');
  const [salesByMonth, topCustomers, summary, products] = await Promise.all([
    getJson<MonthSales[]>(`${analytics}/reports/sales-by-month`),
    getJson<CustomerLtv[]>(`${analytics}/reports/customer-ltv?limit=${options.top}`),
    getJson<Record<string, unknown>>(`${analytics}/reports/summary`),
    allProducts(inventory),
  ]);
  return { salesByMonth, topCustomers, summary, inventory: inventoryAdvice(salesByMonth, products, options.now ?? new Date()) };
}

/** Inventory serves its catalogue in pages of at most 200. */
async function allProducts(inventory: string): Promise<Product[]> {
  const products: Product[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await getJson<Product[]>(`${inventory}/products?limit=200&offset=${offset}`);
    products.push(...page);
    if (page.length < 200) return products;
  }
}

export function inventoryAdvice(sales: MonthSales[], products: Product[], now: Date): InventoryAdvice[] {
  const month = now.toISOString().slice(0, 7);
  const daysSoFar = Math.max(1, now.getUTCDate());
  const unitsThisMonth = new Map((sales.find((s) => s.month === month)?.products ?? []).map((p) => [p.sku, p.units]));
  return products
    .map((p) => {
      const unitsPerDay = (unitsThisMonth.get(p.sku) ?? 0) / daysSoFar;
      const daysOfCover = unitsPerDay > 0 ? p.available / unitsPerDay : null;
      return { sku: p.sku, name: p.name, available: p.available, unitsPerDay, daysOfCover, reorder: daysOfCover !== null && daysOfCover < REORDER_WITHIN_DAYS };
    })
    .filter((a) => a.unitsPerDay > 0 || a.available === 0)
    .sort((a, b) => (a.daysOfCover ?? -1) - (b.daysOfCover ?? -1));
}
