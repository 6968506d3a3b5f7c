import { useState, type FormEvent } from 'react';
import { ApiError, getSagaTimeline } from '../api';
import type { RecentSaga, SagaTimeline } from './lab-frame';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const time = (iso: string) => new Date(iso).toLocaleTimeString();
const ms = (n: number | null) => (n === null ? '–' : `${n} ms`);

/** Orders by state, sagas settled per second, the latest sagas, and one saga's timeline across the services. */
export function SagaPanel({
  orders,
  settledPerSecond,
  sagas,
  loadTimeline = getSagaTimeline,
}: {
  orders: Record<string, number>;
  settledPerSecond: number | null;
  sagas: RecentSaga[];
  loadTimeline?: (id: string) => Promise<SagaTimeline>;
}) {
  const [id, setId] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [timeline, setTimeline] = useState<SagaTimeline>();

  async function show(sagaId: string) {
    setError(undefined);
    if (!sagaId.trim()) return setError('Enter an order or saga id.');
    if (!UUID.test(sagaId.trim())) return setError(`"${sagaId.trim()}" is not an order or saga id (a UUID).`);
    setBusy(true);
    try {
      setTimeline(await loadTimeline(sagaId.trim()));
    } catch (e) {
      setTimeline(undefined);
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void show(id);
  };
  const states = Object.entries(orders);

  return (
    <section aria-labelledby="sagas-heading" className="panel wide">
      <h2 id="sagas-heading">Sagas</h2>
      <p data-testid="orders-summary">
        {settledPerSecond === null ? '–' : settledPerSecond} settled/s · orders:{' '}
        {states.length === 0 ? 'none yet' : states.map(([s, n]) => `${s} ${n}`).join(', ')}
      </p>
      <div className="scroll">
        <table className="compact">
          <caption className="sr-only">The latest sagas, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Placed</th>
              <th scope="col">Order</th>
              <th scope="col">Order state</th>
              <th scope="col">Saga</th>
              <th scope="col">Timeline</th>
            </tr>
          </thead>
          <tbody>
            {sagas.map((s) => (
              <tr key={s.orderId} data-saga-id={s.sagaId}>
                <td>{time(s.createdAt)}</td>
                <td>
                  <code title={s.orderId}>{s.orderId.slice(0, 8)}</code>
                </td>
                <td>
                  {s.orderStatus}
                  {s.cancelReason ? ` (${s.cancelReason})` : ''}
                </td>
                <td>{s.sagaStatus ? `${s.sagaStatus} · ${s.sagaStep}` : '–'}</td>
                <td>
                  <button type="button" className="small" aria-label={`Show the timeline of order ${s.orderId}`} onClick={() => void show(s.sagaId)}>
                    Show
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sagas.length === 0 && <p className="muted">No saga yet: place an order in the shop, or run `npx frank saga run happy-path`.</p>}
      </div>
      <form onSubmit={submit} noValidate className="toolbar">
        <label htmlFor="saga-id">Order or saga id</label>
        <input
          id="saga-id"
          value={id}
          onChange={(e) => setId(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'saga-error' : undefined}
        />
        <button type="submit" disabled={busy}>
          Show timeline
        </button>
      </form>
      {error && (
        <p id="saga-error" className="error" role="alert">
          {error}
        </p>
      )}
      {timeline && <Timeline timeline={timeline} />}
    </section>
  );
}

/** The steps of one saga in order, each with its service, its offset from the first, the relay's lag and its consumers. */
export function Timeline({ timeline }: { timeline: SagaTimeline }) {
  return (
    <section aria-labelledby="timeline-heading" data-testid="timeline">
      <h3 id="timeline-heading">
        Timeline of order <code>{timeline.orderId.slice(0, 8)}</code>
      </h3>
      <p>
        Order {timeline.order?.status ?? 'unknown'}
        {timeline.order?.cancelReason ? ` (${timeline.order.cancelReason})` : ''} · saga{' '}
        {timeline.saga ? `${timeline.saga.status} at ${timeline.saga.step}` : 'not recorded'} · payment{' '}
        {timeline.payment ? timeline.payment.status + (timeline.payment.failureReason ? ` (${timeline.payment.failureReason})` : '') : 'none'}
        {timeline.durationMs !== null ? ` · ${timeline.durationMs} ms first to last` : ''}
      </p>
      <ol className="timeline">
        {timeline.steps.map((step) => (
          <li key={step.eventId + step.service}>
            <span className="offset">+{step.offsetMs} ms</span> <strong>{step.type}</strong>{' '}
            <span className="muted">by {step.external ? `${step.service} (outside the saga databases)` : step.service}</span>
            <br />
            <span className="muted">
              relay {ms(step.dispatchMs)}
              {step.consumers.length > 0 && ` · consumed by ${step.consumers.map((c) => `${c.service} (${ms(c.gapMs)})`).join(', ')}`}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
