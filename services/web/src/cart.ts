/** The cart and its checks: pure, so the component tests and the pages share one truth. */

export interface CartLine {
  sku: string;
  name: string;
  priceCents: number;
  qty: number;
}

/** order-service takes 1..1000 units per line. */
export const MAX_QTY_PER_LINE = 1000;

export type QuantityCheck = { ok: true; qty: number } | { ok: false; message: string };

export function formatCents(cents: number, currency = 'EUR'): string {
  return new Intl.NumberFormat('en-IE', { style: 'currency', currency }).format(cents / 100);
}

/**
 * Checks what was typed as a quantity against what is available (null: stock unknown, the
 * service decides). `inCart` units of the same product already count against the stock.
 */
export function checkQuantity(text: string, available: number | null, inCart = 0): QuantityCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter a quantity.' };
  if (!/^-?\d+$/.test(trimmed)) return { ok: false, message: 'The quantity must be a whole number.' };
  const qty = Number(trimmed);
  if (qty < 1) return { ok: false, message: 'The quantity must be at least 1.' };
  if (qty + inCart > MAX_QTY_PER_LINE) return { ok: false, message: `At most ${MAX_QTY_PER_LINE} of one product per order.` };
  if (available !== null && qty + inCart > available) {
    if (available <= 0) return { ok: false, message: 'Out of stock: none available.' };
    const already = inCart > 0 ? ` (you already have ${inCart} in your cart)` : '';
    return { ok: false, message: `Only ${available} in stock${already}.` };
  }
  return { ok: true, qty };
}

export function addToCart(cart: readonly CartLine[], product: Omit<CartLine, 'qty'>, qty: number): CartLine[] {
  const existing = cart.find((line) => line.sku === product.sku);
  if (!existing) return [...cart, { ...product, qty }];
  return cart.map((line) => (line.sku === product.sku ? { ...line, qty: line.qty + qty } : line));
}

export function setQuantity(cart: readonly CartLine[], sku: string, qty: number): CartLine[] {
  return cart.map((line) => (line.sku === sku ? { ...line, qty } : line));
}

export function removeLine(cart: readonly CartLine[], sku: string): CartLine[] {
  return cart.filter((line) => line.sku !== sku);
}

export function cartCount(cart: readonly CartLine[]): number {
  return cart.reduce((n, line) => n + line.qty, 0);
}

export function cartTotalCents(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.priceCents * line.qty, 0);
}

export interface LineProblem {
  sku: string;
  message: string;
}

/**
 * Every reason not to send the cart: typed quantities (by sku) checked against fresh stock.
 * Empty = the order may be placed.
 */
export function checkCart(cart: readonly CartLine[], typed: Readonly<Record<string, string>>, stock: ReadonlyMap<string, number | null>): LineProblem[] {
  if (cart.length === 0) return [{ sku: '', message: 'Your cart is empty.' }];
  const problems: LineProblem[] = [];
  for (const line of cart) {
    const check = checkQuantity(typed[line.sku] ?? String(line.qty), stock.has(line.sku) ? stock.get(line.sku)! : null);
    if (!check.ok) problems.push({ sku: line.sku, message: `${line.name}: ${check.message}` });
  }
  return problems;
}
