import { useCallback, useEffect, useState } from 'react';
import type { Session } from './api';
import { cartCount, type CartLine } from './cart';
import { CartPage } from './pages/CartPage';
import { ConsolePage } from './pages/ConsolePage';
import { HistoryPage } from './pages/HistoryPage';
import { LoginPage } from './pages/LoginPage';
import { OrderPage } from './pages/OrderPage';
import { ProductsPage } from './pages/ProductsPage';

/** Kept per tab: a reload keeps the login and the cart; closing the tab forgets both. */
function stored<T>(key: string, fallback: T): T {
  try {
    const text = sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

export type Navigate = (path: string) => void;

export function App() {
  const [path, setPath] = useState(() => location.pathname);
  const [session, setSession] = useState<Session | null>(() => stored('frank.session', null));
  const [cart, setCart] = useState<CartLine[]>(() => stored('frank.cart', []));

  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => sessionStorage.setItem('frank.cart', JSON.stringify(cart)), [cart]);
  useEffect(() => {
    if (session) sessionStorage.setItem('frank.session', JSON.stringify(session));
    else sessionStorage.removeItem('frank.session');
  }, [session]);

  const navigate: Navigate = useCallback((to) => {
    history.pushState(null, '', to);
    setPath(to);
    scrollTo(0, 0);
  }, []);

  // A token the BFF refuses (expired, lab restarted with a new secret) sends the user back to log in.
  const loggedOut = useCallback(() => {
    setSession(null);
    navigate('/login');
  }, [navigate]);

  let page;
  // The lab console is the lab's, not a customer's: no login.
  if (path === '/console') {
    page = <ConsolePage />;
  } else if (!session || path === '/login') {
    page = (
      <LoginPage
        onLoggedIn={(s) => {
          setSession(s);
          navigate('/');
        }}
      />
    );
  } else if (path === '/cart') {
    page = <CartPage cart={cart} setCart={setCart} session={session} navigate={navigate} onUnauthorized={loggedOut} />;
  } else if (path === '/orders') {
    page = <HistoryPage session={session} navigate={navigate} onUnauthorized={loggedOut} />;
  } else if (path.startsWith('/orders/')) {
    page = <OrderPage key={path} orderId={decodeURIComponent(path.slice('/orders/'.length))} session={session} onUnauthorized={loggedOut} />;
  } else {
    page = <ProductsPage cart={cart} setCart={setCart} />;
  }

  const link = (to: string, label: string) => (
    <a
      href={to}
      aria-current={path === to ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span className="brand">frank shop</span>
        <nav aria-label="Main">
          {session ? (
            <>
              {link('/', 'Products')}
              {link('/cart', `Cart (${cartCount(cart)})`)}
              {link('/orders', 'My orders')}
            </>
          ) : (
            path === '/console' && link('/', 'Shop')
          )}
          {link('/console', 'Lab console')}
          {session && (
            <button type="button" className="link" onClick={loggedOut}>
              Log out {session.name}
            </button>
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
