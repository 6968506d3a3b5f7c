// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderState } from './OrderState';
import type { OrderView } from './order-state';

const placed: OrderView = {
  order: {
    orderId: '4f1c2a9e-0000-4000-8000-000000000001',
    status: 'PENDING',
    items: [{ sku: 'SKU-0003', qty: 2, priceCents: 1999 }],
    totalCents: 3998,
    currency: 'EUR',
    cancelReason: null,
    createdAt: '2026-11-30T06:00:00Z',
    reservation: null,
  },
  payment: null,
  deliveries: [],
  missing: [],
};

const steps = () =>
  within(screen.getByRole('list', { name: 'Progress' }))
    .getAllByRole('listitem')
    .map((li) => li.textContent);

describe('the order-state view', () => {
  afterEach(cleanup);

  it('shows a pending order as in progress, announced politely', () => {
    render(<OrderState view={placed} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('PENDING');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(steps()).toEqual(['✓ Order placed (done)', '… Stock reserved (in progress)', '○ Payment (not yet)', '○ Confirmed (not yet)']);
    expect(screen.getByTestId('payment-status').textContent).toBe('Not yet');
    expect(screen.getByText('Watching the order; this page updates by itself.')).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Items' }).textContent).toContain('SKU-0003');
  });

  it('shows a confirmed order with its payment and delivery', () => {
    render(
      <OrderState
        view={{
          ...placed,
          order: { ...placed.order, status: 'CONFIRMED', reservation: { status: 'COMMITTED', reason: null, sku: null } },
          payment: { status: 'COMPLETED', amountCents: 3998, reason: null },
          deliveries: [
            { channel: 'email', template: 'order-confirmed', status: 'SENT' },
            { channel: 'sms', template: 'order-confirmed', status: 'FAILED' },
          ],
        }}
      />,
    );
    expect(screen.getByRole('status').textContent).toBe('CONFIRMED');
    expect(steps()).toEqual(['✓ Order placed (done)', '✓ Stock reserved (done)', '✓ Payment (done)', '✓ Confirmed (done)']);
    expect(screen.getByTestId('payment-status').textContent).toBe('Paid');
    expect(screen.getByTestId('delivery-status').textContent).toBe('Sent by email; failed by sms');
    expect(screen.queryByText(/Watching the order/)).toBeNull();
  });

  it('shows an order cancelled for want of stock, with the reason, and a declined payment', () => {
    const { unmount } = render(
      <OrderState
        view={{
          ...placed,
          order: {
            ...placed.order,
            status: 'CANCELLED',
            cancelReason: 'out-of-stock',
            reservation: { status: 'FAILED', reason: 'out-of-stock', sku: 'SKU-0003' },
          },
        }}
      />,
    );
    expect(screen.getByRole('status').textContent).toBe('CANCELLED — Not enough stock');
    expect(steps()).toEqual(['✓ Order placed (done)', '✗ Stock reserved (failed)', '○ Payment (not yet)', '✗ Cancelled (failed)']);
    unmount();
    render(
      <OrderState
        view={{
          ...placed,
          order: { ...placed.order, status: 'CANCELLED', cancelReason: 'declined', reservation: { status: 'RELEASED', reason: null, sku: null } },
          payment: { status: 'FAILED', amountCents: 0, reason: 'declined' },
        }}
      />,
    );
    expect(screen.getByRole('status').textContent).toBe('CANCELLED — The payment was declined');
    expect(steps()).toEqual(['✓ Order placed (done)', '✓ Stock reserved (done)', '✗ Payment (failed)', '✗ Cancelled (failed)']);
    expect(screen.getByTestId('payment-status').textContent).toBe('Failed: The payment was declined');
  });

  it('says what could not be read when the views are away', () => {
    render(
      <OrderState view={{ ...placed, order: { ...placed.order, status: 'RESERVED' }, payment: null, deliveries: null, missing: ['payment', 'delivery'] }} />,
    );
    expect(screen.getByRole('status').textContent).toBe('RESERVED');
    expect(screen.getByTestId('payment-status').textContent).toBe('Unknown (not readable now)');
    expect(screen.getByTestId('delivery-status').textContent).toBe('Unknown (not readable now)');
  });
});
