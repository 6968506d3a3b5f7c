// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CartLine } from '../cart';
import { CartPage } from './CartPage';
import { ProductsPage } from './ProductsPage';

/** A BFF that answers the storefront's reads from a table and records every request. */
function fakeBff(stock: Record<string, number>) {
  const requests: { method: string; url: string }[] = [];
  const products = Object.entries(stock).map(([sku, available]) => ({ sku, name: `Product ${sku}`, priceCents: 1000, category: 'kitchen', available }));
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      requests.push({ method: init?.method ?? 'GET', url });
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url.startsWith('/api/products?')) return json(200, { items: products });
      const sku = /^\/api\/products\/(.+)$/.exec(url)?.[1];
      if (sku)
        return sku in stock ? json(200, { ...products.find((p) => p.sku === sku), onHand: stock[sku], reserved: 0 }) : json(404, { error: { message: 'no' } });
      if (url === '/api/orders' && init?.method === 'POST') return json(202, { orderId: 'o-1', sagaId: 's-1' });
      return json(404, { error: { message: `unexpected ${url}` } });
    }),
  );
  return requests;
}

const session = { token: 't', userId: 'u', name: 'Demo' };

describe('the add-to-cart form', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('refuses an empty quantity, 0 and more than the stock with a message, and adds a valid one', async () => {
    fakeBff({ 'SKU-0001': 2, 'SKU-0060': 0 });
    let cart: CartLine[] = [];
    render(<ProductsPage cart={cart} setCart={(update) => (cart = update(cart))} />);
    await screen.findByRole('heading', { name: 'Product SKU-0001' });
    expect(screen.getAllByTestId('stock').map((s) => s.textContent)).toEqual(['2 in stock', 'Out of stock']);
    const qty = screen.getByLabelText('Quantity', { selector: '#p-SKU-0001-qty' });
    const add = screen.getByRole('button', { name: 'Add Product SKU-0001 to cart' });

    for (const [typed, message] of [
      ['', 'Enter a quantity.'],
      ['0', 'The quantity must be at least 1.'],
      ['3', 'Only 2 in stock.'],
    ] as const) {
      fireEvent.change(qty, { target: { value: typed } });
      fireEvent.click(add);
      expect(screen.getByRole('alert').textContent).toBe(message);
      expect(qty.getAttribute('aria-invalid')).toBe('true');
      expect(cart).toEqual([]);
    }
    fireEvent.click(screen.getByRole('button', { name: 'Add Product SKU-0060 to cart' }));
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual(['Only 2 in stock.', 'Out of stock: none available.']);

    fireEvent.change(qty, { target: { value: '2' } });
    fireEvent.click(add);
    expect(cart).toEqual([{ sku: 'SKU-0001', name: 'Product SKU-0001', priceCents: 1000, qty: 2 }]);
    expect(screen.getByText('Added 2 to your cart.')).toBeTruthy();
  });
});

describe('the cart', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('re-reads the stock before ordering and sends nothing when a line is short or empty', async () => {
    const requests = fakeBff({ 'SKU-0057': 1 });
    let cart: CartLine[] = [{ sku: 'SKU-0057', name: 'Last one', priceCents: 500, qty: 2 }];
    const navigate = vi.fn();
    render(<CartPage cart={cart} setCart={(update) => (cart = update(cart))} session={session} navigate={navigate} onUnauthorized={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Place order' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Nothing was sent. Please fix:Last one: Only 1 in stock.');

    fireEvent.change(screen.getByLabelText('Quantity of Last one'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Last one: Enter a quantity.'));
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('places a cart that fits the stock, empties it and opens the order', async () => {
    const requests = fakeBff({ 'SKU-0057': 1 });
    let cart: CartLine[] = [{ sku: 'SKU-0057', name: 'Last one', priceCents: 500, qty: 1 }];
    const navigate = vi.fn();
    render(<CartPage cart={cart} setCart={(update) => (cart = update(cart))} session={session} navigate={navigate} onUnauthorized={() => undefined} />);
    expect(screen.getByText('Total:').textContent).toContain('5.00');
    fireEvent.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith('/orders/o-1'));
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/products/SKU-0057', 'POST /api/orders']);
    expect(cart).toEqual([]);
  });
});
