import { randomUUID } from 'node:crypto';
import { dataOf, appendEvent, type DbClient, type EventEnvelope, type EventHandler } from '@frank/kit';
import type { Flags } from '@frank/kit/flags';
import { chooseChannels } from '../domain/choose-channel.js';
import type { ChannelName } from '../domain/simulated-channel.js';
import { formatMoney } from '../domain/format-money.js';
import { renderTemplate, TemplateRenderError } from '../domain/render-template.js';
import { insertDelivery, type NewDelivery } from '../persistence/deliveries.js';
import { findRecipient, type Recipient } from '../persistence/recipients.js';
import { findTemplate } from '../persistence/templates.js';
import { paymentCompletedSchema } from './consumed-events.js';
import { AGGREGATE_TYPE, SOURCE, type NotificationFailed } from './published-events.js';

export const CONFIRMATION_TEMPLATE = 'order-confirmed';

/** The recipient is not known yet: the message goes back to the queue until order.created is in. */
export class RecipientNotYetKnownError extends Error {
  constructor(orderId: string) {
    super(`no recipient for order ${orderId} yet (order.created not consumed); retried`);
    this.name = 'RecipientNotYetKnownError';
  }
}

/**
 * payment.completed: render the confirmation and record the delivery PENDING, one per channel (an
 * SMS beside the e-mail while the flag notification.sms is on). The delivery worker sends them
 * after this transaction commits, so the broker message is acked at once and the work survives a
 * restart. A template that cannot be rendered fails its delivery here, with its
 * notification.failed in the same transaction.
 */
export function onPaymentCompleted(flags: Pick<Flags, 'isEnabled'>): EventHandler {
  return async (client, event) => {
    const payment = dataOf(paymentCompletedSchema, event);
    const recipient = await findRecipient(client, payment.orderId);
    if (!recipient) throw new RecipientNotYetKnownError(payment.orderId);
    for (const { channel, address } of chooseChannels(recipient, flags.isEnabled('notification.sms'))) {
      await recordDelivery(client, event, payment, recipient, channel, address);
    }
  };
}

async function recordDelivery(
  client: DbClient,
  event: EventEnvelope,
  payment: { orderId: string; paymentId: string; amountCents: number },
  recipient: Recipient,
  channel: ChannelName,
  address: string | null,
): Promise<void> {
  const base: NewDelivery = {
    id: randomUUID(),
    orderId: payment.orderId,
    channel,
    template: CONFIRMATION_TEMPLATE,
    address,
    subject: null,
    body: null,
    status: 'PENDING',
    lastError: null,
    sagaId: event.sagaId,
    correlationId: event.correlationId,
    causationId: event.id,
  };

  let delivery: NewDelivery;
  try {
    const template = await findTemplate(client, CONFIRMATION_TEMPLATE, channel);
    if (!template) throw new TemplateRenderError([`template ${CONFIRMATION_TEMPLATE}/${channel}`]);
    const variables = {
      name: recipient.name ?? 'customer',
      orderId: payment.orderId,
      paymentId: payment.paymentId,
      amount: formatMoney(payment.amountCents, recipient.currency),
      amountCents: payment.amountCents,
    };
    delivery = {
      ...base,
      subject: template.subject === null ? null : renderTemplate(template.subject, variables),
      body: renderTemplate(template.body, variables),
    };
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    delivery = { ...base, status: 'FAILED', lastError: error.message };
  }

  const inserted = await insertDelivery(client, delivery);
  if (!inserted || delivery.status !== 'FAILED') return;
  await appendEvent<NotificationFailed>(client, {
    type: 'notification.failed',
    source: SOURCE,
    aggregateType: AGGREGATE_TYPE,
    aggregateId: payment.orderId,
    causedBy: event,
    data: {
      orderId: payment.orderId,
      channel,
      template: delivery.template,
      deliveryId: delivery.id,
      attempts: 0,
      reason: delivery.lastError ?? 'template error',
    },
  });
}
