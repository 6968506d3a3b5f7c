import { useEffect, useState } from 'react';
import { ApiError, getHistory, getOrder, type History, type Session } from '../api';
import type { Navigate } from '../App';
import { formatCents } from '../cart';
import { deliveryText, paymentText, type OrderView } from '../order-state';

export function HistoryPage({ session, navigate, onUnauthorized }: { session: Session; navigate: Navigate; onUnauthorized: () => void }) {
  const [history, setHistory] = useState<History | null>(null);
  const [details, setDetails] = useState<Record<string, OrderView>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const read = await getHistory(session.token, session.userId);
        if (!live) return;
        setHistory(read);
        // The history view has no payment or delivery: each order's details carry them.
        const views = await Promise.all((read.orders ?? []).map((o) => getOrder(session.token, o.orderId).catch(() => null)));
        if (live) setDetails(Object.fromEntries(views.filter((v): v is OrderView => v !== null).map((v) => [v.order.orderId, v])));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return onUnauthorized();
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [session, onUnauthorized]);

  const summary = history?.summary;
  return (
    <section aria-labelledby="history-heading">
      <h1 id="history-heading">My orders</h1>
      {error && (
        <p className="error" role="alert">
          Could not load your orders: {error}
        </p>
      )}
      {!history && !error && <p role="status">Loading your orders…</p>}
      {summary && (
        <p>
          {summary.orderCount ?? 0} orders, {summary.confirmedCount ?? 0} confirmed, {formatCents(summary.totalSpentCents ?? 0)} spent.
        </p>
      )}
      {history?.orders && history.orders.length === 0 && <p>No orders yet.</p>}
      {history?.orders && history.orders.length > 0 && (
        <table className="history">
          <caption className="sr-only">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
              <th scope="col">Payment</th>
              <th scope="col">Delivery</th>
            </tr>
          </thead>
          <tbody>
            {history.orders.map((o) => {
              const detail = details[o.orderId];
              return (
                <tr key={o.orderId} data-order-id={o.orderId}>
                  <th scope="row">
                    <a
                      href={`/orders/${o.orderId}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/orders/${o.orderId}`);
                      }}
                    >
                      {o.orderId.slice(0, 8)}
                    </a>
                  </th>
                  <td>{o.createdAt ? new Date(o.createdAt).toLocaleString() : '—'}</td>
                  <td>{o.status ?? 'PENDING'}</td>
                  <td>{o.totalCents === null ? '—' : formatCents(o.totalCents)}</td>
                  <td>{detail ? paymentText(detail.payment, detail.missing) : '…'}</td>
                  <td>{detail ? deliveryText(detail.deliveries, detail.missing) : '…'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {history && history.missing.length > 0 && <p className="muted">Partly shown: {history.missing.join(', ')} could not be read.</p>}
    </section>
  );
}
