import { dataOf, PoisonMessageError, type EventHandler, type Logger } from '@frank/kit';
import { decideOnWebhook } from '../domain/payment-transitions.js';
import { insertCapture, insertRefund, lockPayment, setPaymentStatus, type PaymentRow } from '../persistence/payments.js';
import type { ProviderClient } from '../provider/provider-client.js';
import { paymentWebhookSchema } from '@frank/contracts/events';
import { appendPaymentEvent } from './payment-events.js';

export interface PaymentWebhookDeps {
  provider: ProviderClient;
  log: Logger;
}

/**
 * Applies the provider's webhook to the payment, locked for the transaction. A webhook with the
 * same id as one seen is absorbed by the inbox (its envelope id is `webhook-<webhookId>`); a
 * second success under a new id is absorbed by the state machine.
 *
 * A late success is refunded inside this transaction: the refund is idempotent per paymentId at
 * the provider, so if the call or the commit fails, the redelivered webhook refunds again and
 * gets the same refundId. The transaction holds one row lock for at most the call's timeout,
 * and late successes are rare; an intent table and a worker would buy nothing here.
 */
export function onPaymentWebhook(deps: PaymentWebhookDeps): EventHandler {
  return async (client, event) => {
    const webhook = dataOf(paymentWebhookSchema, event);
    const payment = await lockPayment(client, webhook.paymentId);
    if (!payment) throw new PoisonMessageError(`webhook for unknown payment ${webhook.paymentId}`, { webhookId: webhook.webhookId });
    // Events answer the webhook but belong to the order's saga and correlation.
    const causedBy = { id: event.id, sagaId: payment.sagaId, correlationId: payment.correlationId };
    const decision = decideOnWebhook(payment.status, webhook.outcome);
    const fields = { orderId: payment.orderId, paymentId: payment.id, webhookId: webhook.webhookId, status: payment.status, outcome: webhook.outcome };
    if (webhook.amountCents !== payment.amountCents)
      deps.log.warn('webhook amount differs from the payment', { ...fields, webhookAmountCents: webhook.amountCents, amountCents: payment.amountCents });

    switch (decision.kind) {
      case 'capture':
        await setPaymentStatus(client, payment.id, { status: decision.next, providerRef: webhook.providerRef });
        await insertCapture(client, { paymentId: payment.id, amountCents: webhook.amountCents, webhookId: webhook.webhookId });
        await appendPaymentEvent(
          client,
          {
            type: 'payment.completed',
            data: { orderId: payment.orderId, paymentId: payment.id, amountCents: webhook.amountCents, providerRef: webhook.providerRef },
          },
          causedBy,
        );
        break;
      case 'fail':
        await setPaymentStatus(client, payment.id, { status: decision.next, failureReason: decision.reason, providerRef: webhook.providerRef });
        await appendPaymentEvent(
          client,
          { type: 'payment.failed', data: { orderId: payment.orderId, paymentId: payment.id, reason: decision.reason } },
          causedBy,
        );
        break;
      case 'refund-late-success':
        await refundLateSuccess(client, deps, payment, webhook, causedBy);
        break;
      case 'ignore':
        deps.log.info('webhook changes nothing', { ...fields, why: decision.why });
        return;
    }
    deps.log.info('webhook applied', { ...fields, decision: decision.kind });
  };
}

async function refundLateSuccess(
  client: Parameters<EventHandler>[0],
  deps: PaymentWebhookDeps,
  payment: PaymentRow,
  webhook: { webhookId: string; providerRef: string; amountCents: number },
  causedBy: { id: string; sagaId: string | null; correlationId: string },
): Promise<void> {
  const { refundId } = await deps.provider.refund({ paymentId: payment.id, amountCents: webhook.amountCents });
  // The provider did take the money: the capture records it, the refund gives it back (net 0).
  await insertCapture(client, { paymentId: payment.id, amountCents: webhook.amountCents, webhookId: webhook.webhookId });
  await insertRefund(client, { paymentId: payment.id, refundId, amountCents: webhook.amountCents, reason: 'late-success' });
  await setPaymentStatus(client, payment.id, { status: 'REFUNDED', providerRef: webhook.providerRef });
  await appendPaymentEvent(
    client,
    { type: 'payment.refunded', data: { orderId: payment.orderId, paymentId: payment.id, amountCents: webhook.amountCents, refundId, reason: 'late-success' } },
    causedBy,
  );
}
