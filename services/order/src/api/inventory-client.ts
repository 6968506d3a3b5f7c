import { HttpError } from '@frank/kit';
import { z } from 'zod';

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
  available: number;
}

const productSchema = z.object({ sku: z.string(), name: z.string(), priceCents: z.number().int().min(0), available: z.number().int() });

/** GET ${INVENTORY_URL}/products/:sku: the product, undefined when inventory knows no such SKU. */
export async function fetchProduct(inventoryUrl: string, sku: string, timeoutMs = 5000): Promise<Product | undefined> {
  let res: Response;
  try {
    res = await fetch(new URL(`/products/${encodeURIComponent(sku)}`, inventoryUrl), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new HttpError(503, 'unavailable', `inventory does not answer: ${(error as Error).message}`, { service: 'inventory' });
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new HttpError(503, 'unavailable', `inventory answered ${res.status} for ${sku}`, { service: 'inventory' });
  const product = productSchema.safeParse(await res.json().catch(() => undefined));
  if (!product.success) throw new HttpError(503, 'unavailable', `inventory answered an unexpected body for ${sku}`, { service: 'inventory' });
  return product.data;
}
