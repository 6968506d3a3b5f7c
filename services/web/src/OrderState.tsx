import { formatCents } from './cart';
import { summarizeOrder, type OrderView } from './order-state';

const MARK = { done: '✓', current: '…', todo: '○', failed: '✗' } as const;
const STATE_TEXT = { done: 'done', current: 'in progress', todo: 'not yet', failed: 'failed' } as const;

/** One order's state: the headline (announced as it changes), the saga's steps, payment and delivery. */
export function OrderState({ view }: { view: OrderView }) {
  const summary = summarizeOrder(view);
  const { order } = view;
  const currency = order.currency ?? 'EUR';
  return (
    <section aria-labelledby="order-heading" className="order-state">
      <h1 id="order-heading">Order {order.orderId.slice(0, 8)}</h1>
      <p role="status" aria-live="polite" className={`badge ${summary.tone}`} data-testid="order-status">
        {summary.headline}
        {summary.reason ? ` — ${summary.reason}` : ''}
      </p>
      {!summary.settled && <p className="muted">Watching the order; this page updates by itself.</p>}
      <ol className="steps" aria-label="Progress">
        {summary.steps.map((step) => (
          <li key={step.label} className={step.state}>
            <span aria-hidden="true">{MARK[step.state]}</span> {step.label} <span className="sr-only">({STATE_TEXT[step.state]})</span>
          </li>
        ))}
      </ol>
      <dl className="facts">
        <dt>Payment</dt>
        <dd data-testid="payment-status">{summary.payment}</dd>
        <dt>Delivery</dt>
        <dd data-testid="delivery-status">{summary.delivery}</dd>
        {order.totalCents !== null && (
          <>
            <dt>Total</dt>
            <dd>{formatCents(order.totalCents, currency)}</dd>
          </>
        )}
      </dl>
      {order.items && (
        <table>
          <caption>Items</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Quantity</th>
              <th scope="col">Price</th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((item) => (
              <tr key={item.sku}>
                <td>{item.sku}</td>
                <td>{item.qty}</td>
                <td>{formatCents(item.priceCents, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
