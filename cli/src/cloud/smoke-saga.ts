import { setTimeout as sleep } from 'node:timers/promises';
import { FrankError } from '../errors.js';

export interface SmokeResult {
  orderId: string;
  status: 'CONFIRMED' | 'CANCELLED';
  /** From POST /api/orders to the order's final state in the views. */
  settleMs: number;
}

/**
 * One saga through the public entry only, as a customer: the demo user logs in at the BFF, orders
 * one unit of a product in stock, and watches the order reach its end. What a deployment must do
 * at the least, where nothing but the load balancer is reachable.
 */
export async function smokeSaga(baseUrl: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SmokeResult> {
  const call = async <T>(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> => {
    const answer = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      throw new FrankError(`${method} ${baseUrl}${route} failed: ${(error as Error).message}`, {
        hint: 'Is the load balancer up and are the services healthy? (ECS console, or `terraform output bff_url`)',
      });
    });
    return { status: answer.status, body: (await answer.json().catch(() => ({}))) as T };
  };
  // A deployment just applied may still be starting its tasks: the entry is asked again until the deadline.
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let login = await call<{ token?: string }>('POST', '/api/auth/login', { email: 'demo@frank.lab', password: 'frank-demo' }).catch((error: unknown) => ({
    status: 0,
    body: {},
    error,
  }));
  while ((login.status === 0 || login.status >= 500) && Date.now() < deadline) {
    await sleep(2000);
    login = await call<{ token?: string }>('POST', '/api/auth/login', { email: 'demo@frank.lab', password: 'frank-demo' }).catch((error: unknown) => ({
      status: 0,
      body: {},
      error,
    }));
  }
  if ('error' in login) throw login.error;
  if (login.status !== 200 || !login.body.token)
    throw new FrankError(`The demo user cannot log in through ${baseUrl} (HTTP ${login.status}).`, {
      hint: 'The provisioner seeds the demo user: see its log group (/aws/lambda/<name>-cloud-provisioner).',
    });
  const products = await call<{ items?: { sku: string; available?: number }[] }>('GET', '/api/products?limit=50');
  const product = (products.body.items ?? []).find((p) => (p.available ?? 0) > 0);
  if (!product)
    throw new FrankError(`${baseUrl}/api/products lists no product in stock (HTTP ${products.status}).`, {
      hint: 'The views fill the catalogue from inventory-service at start: check the views service.',
    });
  const began = Date.now();
  const placed = await call<{ orderId?: string; error?: { message: string } }>(
    'POST',
    '/api/orders',
    { items: [{ sku: product.sku, qty: 1 }] },
    login.body.token,
  );
  if (placed.status !== 202 || !placed.body.orderId)
    throw new FrankError(`The order was refused: HTTP ${placed.status} ${placed.body.error?.message ?? ''}`.trim());
  for (;;) {
    const read = await call<{ order?: { status?: string } }>('GET', `/api/orders/${placed.body.orderId}`, undefined, login.body.token);
    const status = read.body.order?.status;
    if (status === 'CONFIRMED' || status === 'CANCELLED') return { orderId: placed.body.orderId, status, settleMs: Date.now() - began };
    if (Date.now() > Math.max(deadline, began + 30_000))
      throw new FrankError(
        `Order ${placed.body.orderId} did not settle in ${Math.round((Date.now() - began) / 1000)} s (last seen: ${status ?? `HTTP ${read.status}`}).`,
      );
    await sleep(500);
  }
}
