import { describe, expect, it } from 'vitest';
import { addToCart, cartCount, cartTotalCents, checkCart, checkQuantity, removeLine, setQuantity } from './cart';

const kettle = { sku: 'SKU-0001', name: 'Kettle', priceCents: 2499 };
const lamp = { sku: 'SKU-0002', name: 'Lamp', priceCents: 1250 };

describe('cart math', () => {
  it('adds, merges a product added twice, changes and removes lines, and totals in cents', () => {
    let cart = addToCart([], kettle, 2);
    cart = addToCart(cart, lamp, 1);
    cart = addToCart(cart, kettle, 1);
    expect(cart).toEqual([
      { ...kettle, qty: 3 },
      { ...lamp, qty: 1 },
    ]);
    expect(cartCount(cart)).toBe(4);
    expect(cartTotalCents(cart)).toBe(3 * 2499 + 1250);
    cart = setQuantity(cart, 'SKU-0002', 4);
    expect(cartTotalCents(cart)).toBe(3 * 2499 + 4 * 1250);
    cart = removeLine(cart, 'SKU-0001');
    expect(cart).toEqual([{ ...lamp, qty: 4 }]);
    expect(cartTotalCents([])).toBe(0);
  });
});

describe('quantity checks', () => {
  it('refuses empty, non-whole, zero and negative quantities with a message', () => {
    expect(checkQuantity('', 5)).toEqual({ ok: false, message: 'Enter a quantity.' });
    expect(checkQuantity('  ', 5)).toEqual({ ok: false, message: 'Enter a quantity.' });
    expect(checkQuantity('1.5', 5)).toEqual({ ok: false, message: 'The quantity must be a whole number.' });
    expect(checkQuantity('0', 5)).toEqual({ ok: false, message: 'The quantity must be at least 1.' });
    expect(checkQuantity('-2', 5)).toEqual({ ok: false, message: 'The quantity must be at least 1.' });
  });

  it('refuses more than the stock, counting what is already in the cart, and nothing of an empty stock', () => {
    expect(checkQuantity('5', 5)).toEqual({ ok: true, qty: 5 });
    expect(checkQuantity('6', 5)).toEqual({ ok: false, message: 'Only 5 in stock.' });
    expect(checkQuantity('2', 5, 4)).toEqual({ ok: false, message: 'Only 5 in stock (you already have 4 in your cart).' });
    expect(checkQuantity('1', 0)).toEqual({ ok: false, message: 'Out of stock: none available.' });
    expect(checkQuantity('1001', null)).toEqual({ ok: false, message: 'At most 1000 of one product per order.' });
    // Stock unknown (the views could not say): the service decides.
    expect(checkQuantity('7', null)).toEqual({ ok: true, qty: 7 });
  });

  it('checks a whole cart against fresh stock: an empty cart, typed text and every short line', () => {
    expect(checkCart([], {}, new Map())).toEqual([{ sku: '', message: 'Your cart is empty.' }]);
    const cart = [
      { ...kettle, qty: 2 },
      { ...lamp, qty: 1 },
    ];
    expect(
      checkCart(
        cart,
        {},
        new Map([
          ['SKU-0001', 2],
          ['SKU-0002', 9],
        ]),
      ),
    ).toEqual([]);
    expect(
      checkCart(
        cart,
        { 'SKU-0002': '' },
        new Map([
          ['SKU-0001', 1],
          ['SKU-0002', 9],
        ]),
      ),
    ).toEqual([
      { sku: 'SKU-0001', message: 'Kettle: Only 1 in stock.' },
      { sku: 'SKU-0002', message: 'Lamp: Enter a quantity.' },
    ]);
  });
});
