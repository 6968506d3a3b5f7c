import { useEffect, useState } from 'react';
import { ApiError, getOrder, type Session } from '../api';
import { OrderState } from '../OrderState';
import { isSettled, type OrderView } from '../order-state';

/** Polls the BFF (which reads the views and cache, not the services) every second until settled, then a little longer for payment and delivery news. */
const POLL_MS = 1000;
const AFTER_SETTLED_POLLS = 10;
/** A just-placed order is not in the views yet: a 404 is "not yet" for this long. */
const APPEAR_WITHIN_MS = 30_000;

export function OrderPage({ orderId, session, onUnauthorized }: { orderId: string; session: Session; onUnauthorized: () => void }) {
  const [view, setView] = useState<OrderView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let afterSettled = 0;
    const began = Date.now();
    const poll = async () => {
      try {
        const next = await getOrder(session.token, orderId);
        if (stopped) return;
        setView(next);
        setError(null);
        const done = isSettled(next.order.status) && next.payment !== null && (next.deliveries?.length ?? 0) > 0;
        if (isSettled(next.order.status)) afterSettled++;
        if (done || afterSettled > AFTER_SETTLED_POLLS) return;
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && e.status === 401) return onUnauthorized();
        if (e instanceof ApiError && e.status === 404 && Date.now() - began > APPEAR_WITHIN_MS) return setError(`No order ${orderId}.`);
        if (!(e instanceof ApiError && e.status === 404)) setError(e instanceof Error ? e.message : String(e));
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [orderId, session.token, onUnauthorized]);

  if (view) return <OrderState view={view} />;
  return (
    <section aria-labelledby="order-heading">
      <h1 id="order-heading">Order {orderId.slice(0, 8)}</h1>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : (
        <p role="status">Order placed; waiting for the shop to show it…</p>
      )}
    </section>
  );
}
