import { useState } from 'react';
import { ApiError, getProduct, placeOrder, type Session } from '../api';
import type { Navigate } from '../App';
import { cartTotalCents, checkCart, formatCents, removeLine, setQuantity, type CartLine, type LineProblem } from '../cart';

interface Props {
  cart: CartLine[];
  setCart: (update: (cart: CartLine[]) => CartLine[]) => void;
  session: Session;
  navigate: Navigate;
  onUnauthorized: () => void;
}

/** Stock as the BFF says now; a product it no longer knows counts as none. */
async function freshStock(skus: string[]): Promise<Map<string, number | null>> {
  const entries = await Promise.all(
    skus.map(async (sku): Promise<[string, number | null]> => {
      try {
        return [sku, (await getProduct(sku)).available];
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return [sku, 0];
        return [sku, null];
      }
    }),
  );
  return new Map(entries);
}

export function CartPage({ cart, setCart, session, navigate, onUnauthorized }: Props) {
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<LineProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function place() {
    setBusy(true);
    setProblems([]);
    setFailure(null);
    try {
      const found = checkCart(cart, typed, await freshStock(cart.map((l) => l.sku)));
      if (found.length > 0) {
        setProblems(found);
        return;
      }
      const { orderId } = await placeOrder(
        session.token,
        cart.map((l) => ({ sku: l.sku, qty: l.qty })),
      );
      setCart(() => []);
      setTyped({});
      navigate(`/orders/${orderId}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return onUnauthorized();
      setFailure(`The order was not placed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      {cart.length === 0 ? (
        <p>
          Your cart is empty.{' '}
          <a
            href="/"
            onClick={(e) => {
              e.preventDefault();
              navigate('/');
            }}
          >
            Browse the products
          </a>
          .
        </p>
      ) : (
        <>
          <table className="cart">
            <caption className="sr-only">Products in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Quantity</th>
                <th scope="col">Price</th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cart.map((line) => (
                <tr key={line.sku}>
                  <th scope="row">
                    {line.name} <span className="muted">{line.sku}</span>
                  </th>
                  <td>
                    <label className="sr-only" htmlFor={`qty-${line.sku}`}>
                      Quantity of {line.name}
                    </label>
                    <input
                      id={`qty-${line.sku}`}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      value={typed[line.sku] ?? String(line.qty)}
                      onChange={(e) => {
                        const text = e.target.value;
                        setTyped((t) => ({ ...t, [line.sku]: text }));
                        if (/^\d+$/.test(text.trim()) && Number(text) > 0) setCart((c) => setQuantity(c, line.sku, Number(text)));
                      }}
                    />
                  </td>
                  <td>{formatCents(line.priceCents * line.qty)}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setCart((c) => removeLine(c, line.sku))} aria-label={`Remove ${line.name}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="total">
            Total: <strong>{formatCents(cartTotalCents(cart))}</strong>
          </p>
        </>
      )}
      {problems.length > 0 && (
        <div className="error" role="alert">
          <p>Nothing was sent. Please fix:</p>
          <ul>
            {problems.map((p) => (
              <li key={p.sku + p.message}>{p.message}</li>
            ))}
          </ul>
        </div>
      )}
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {cart.length > 0 && (
        <button type="button" onClick={place} disabled={busy}>
          {busy ? 'Placing the order…' : 'Place order'}
        </button>
      )}
    </section>
  );
}
