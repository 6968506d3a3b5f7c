import { useEffect, useState, type FormEvent } from 'react';
import { listProducts, type Product } from '../api';
import { addToCart, checkQuantity, formatCents, type CartLine } from '../cart';

/** How often the list (and so the stock) is read again while the page is open. */
const REFRESH_MS = 5000;

function categoryName(slug: string): string {
  return slug.replaceAll('-', ' ').replace(/^./, (c) => c.toUpperCase());
}

export function stockText(available: number | null): string {
  if (available === null) return 'Stock unknown';
  return available > 0 ? `${available} in stock` : 'Out of stock';
}

interface Props {
  cart: CartLine[];
  setCart: (update: (cart: CartLine[]) => CartLine[]) => void;
}

export function ProductsPage({ cart, setCart }: Props) {
  const [all, setAll] = useState<Product[] | null>(null);
  const [category, setCategory] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      listProducts()
        .then((items) => live && (setAll(items), setError(null)))
        .catch((e: Error) => live && setError(e.message));
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  const categories = [...new Set((all ?? []).map((p) => p.category).filter((c): c is string => c !== null))].sort();
  const shown = (all ?? []).filter((p) => !category || p.category === category);

  return (
    <section aria-labelledby="products-heading">
      <h1 id="products-heading">Products</h1>
      <div className="toolbar">
        <label htmlFor="category">Category</label>
        <select id="category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {categoryName(c)}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not load the products: {error}
        </p>
      )}
      {all === null && !error && <p role="status">Loading products…</p>}
      <ul className="products" aria-label="Products">
        {shown.map((product) => (
          <ProductCard
            key={product.sku}
            product={product}
            inCart={cart.find((l) => l.sku === product.sku)?.qty ?? 0}
            onAdd={(qty) => setCart((c) => addToCart(c, { sku: product.sku, name: product.name, priceCents: product.priceCents }, qty))}
          />
        ))}
      </ul>
    </section>
  );
}

function ProductCard({ product, inCart, onAdd }: { product: Product; inCart: number; onAdd: (qty: number) => void }) {
  const [qty, setQty] = useState('1');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const id = `p-${product.sku}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    const check = checkQuantity(qty, product.available, inCart);
    if (!check.ok) {
      setMessage({ text: check.message, error: true });
      return;
    }
    onAdd(check.qty);
    setMessage({ text: `Added ${check.qty} to your cart.`, error: false });
  }

  return (
    <li>
      <article aria-labelledby={`${id}-name`} data-sku={product.sku}>
        {product.image && <ProductImage name={product.name} image={product.image} />}
        <h2 id={`${id}-name`}>{product.name}</h2>
        <p className="muted">
          {product.sku} · {product.category ? categoryName(product.category) : 'Uncategorised'}
        </p>
        <p className="price">{formatCents(product.priceCents)}</p>
        <p className={product.available === 0 ? 'stock out' : 'stock'} data-testid="stock">
          {stockText(product.available)}
        </p>
        <form onSubmit={submit} noValidate className="add">
          <label htmlFor={`${id}-qty`}>Quantity</label>
          <input
            id={`${id}-qty`}
            type="number"
            inputMode="numeric"
            min={1}
            value={qty}
            onChange={(e) => setQty(e.target.value)}
            aria-invalid={message?.error ? true : undefined}
            aria-describedby={message ? `${id}-msg` : undefined}
          />
          <button type="submit" aria-label={`Add ${product.name} to cart`}>
            Add to cart
          </button>
          {message && (
            <p id={`${id}-msg`} className={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
              {message.text}
            </p>
          )}
        </form>
      </article>
    </li>
  );
}

/** The smallest thumbnail that fills the card; the larger one for dense screens. */
function ProductImage({ name, image }: { name: string; image: NonNullable<Product['image']> }) {
  const [small, ...larger] = [...image.thumbnails].sort((a, b) => a.size - b.size);
  if (!small) return null;
  return (
    <img
      className="product-image"
      src={small.url}
      srcSet={[small, ...larger].map((t) => `${t.url} ${t.width}w`).join(', ')}
      sizes="15rem"
      width={small.width}
      height={small.height}
      alt={name}
    />
  );
}
