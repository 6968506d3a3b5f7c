/** What the BFF's GET /api/orders/:id answers, as far as the storefront reads it. */
export interface OrderDetails {
  orderId: string;
  /** The views say PENDING, CONFIRMED or CANCELLED; order-service (views away) also RESERVED, CANCELLING. */
  status: string | null;
  items: { sku: string; qty: number; priceCents: number }[] | null;
  totalCents: number | null;
  currency: string | null;
  cancelReason: string | null;
  createdAt: string | null;
  reservation?: { status: 'RESERVED' | 'FAILED' | 'RELEASED' | 'COMMITTED'; reason: string | null; sku: string | null } | null;
}

export interface PaymentInfo {
  status: 'COMPLETED' | 'FAILED' | 'REFUNDED';
  amountCents: number;
  refundedCents?: number;
  reason: string | null;
}

export interface Delivery {
  channel: string;
  template: string;
  status: 'SENT' | 'FAILED';
}

export interface OrderView {
  order: OrderDetails;
  payment: PaymentInfo | null;
  deliveries: Delivery[] | null;
  missing: string[];
}

export type StepState = 'done' | 'current' | 'todo' | 'failed';

export interface OrderSummary {
  settled: boolean;
  tone: 'pending' | 'ok' | 'bad';
  headline: string;
  reason: string | null;
  steps: { label: string; state: StepState }[];
  payment: string;
  delivery: string;
}

const REASONS: Record<string, string> = {
  'out-of-stock': 'Not enough stock',
  declined: 'The payment was declined',
  timeout: 'The payment did not answer in time',
  'provider-error': 'The payment provider failed',
  'kill-switch': 'Payments are switched off for now',
  'unknown-sku': 'A product is not sold any more',
};

export function reasonText(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return REASONS[reason] ?? reason.replaceAll('-', ' ');
}

export function isSettled(status: OrderDetails['status'] | undefined): boolean {
  return status === 'CONFIRMED' || status === 'CANCELLED';
}

export function paymentText(payment: PaymentInfo | null, missing: readonly string[] = []): string {
  if (missing.includes('payment')) return 'Unknown (not readable now)';
  if (!payment) return 'Not yet';
  if (payment.status === 'COMPLETED') return 'Paid';
  if (payment.status === 'REFUNDED') return 'Refunded';
  return `Failed${payment.reason ? `: ${reasonText(payment.reason)}` : ''}`;
}

export function deliveryText(deliveries: readonly Delivery[] | null, missing: readonly string[] = []): string {
  if (missing.includes('delivery') || deliveries === null) return 'Unknown (not readable now)';
  if (deliveries.length === 0) return 'Not yet';
  const sent = deliveries.filter((d) => d.status === 'SENT').map((d) => d.channel);
  const failed = deliveries.filter((d) => d.status === 'FAILED').map((d) => d.channel);
  return [sent.length ? `Sent by ${sent.join(', ')}` : '', failed.length ? `failed by ${failed.join(', ')}` : ''].filter(Boolean).join('; ');
}

/** Reads the saga's progress off the views: placed, stock reserved, paid, then confirmed or cancelled. */
export function summarizeOrder(view: OrderView): OrderSummary {
  const { order, payment } = view;
  const reservation = order.reservation?.status;
  const reserved = reservation === 'RESERVED' || reservation === 'COMMITTED' || reservation === 'RELEASED';
  const paid = payment?.status === 'COMPLETED' || payment?.status === 'REFUNDED';
  const cancelled = order.status === 'CANCELLED';
  const confirmed = order.status === 'CONFIRMED';
  const stockState: StepState = reservation === 'FAILED' ? 'failed' : reserved || confirmed ? 'done' : cancelled ? 'failed' : 'current';
  const payState: StepState = paid || confirmed ? 'done' : payment?.status === 'FAILED' ? 'failed' : stockState === 'done' && !cancelled ? 'current' : 'todo';
  const steps = [
    { label: 'Order placed', state: 'done' as StepState },
    { label: 'Stock reserved', state: stockState },
    { label: 'Payment', state: cancelled && payState === 'todo' ? ('todo' as StepState) : payState },
    { label: cancelled ? 'Cancelled' : 'Confirmed', state: (confirmed ? 'done' : cancelled ? 'failed' : 'todo') as StepState },
  ];
  const reason = cancelled ? reasonText(order.cancelReason ?? order.reservation?.reason ?? payment?.reason) : null;
  return {
    settled: isSettled(order.status),
    tone: confirmed ? 'ok' : cancelled ? 'bad' : 'pending',
    headline: order.status ?? 'PENDING',
    reason,
    steps,
    payment: paymentText(payment, view.missing),
    delivery: deliveryText(view.deliveries, view.missing),
  };
}
