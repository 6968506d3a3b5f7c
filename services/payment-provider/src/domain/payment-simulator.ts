import { randomUUID } from 'node:crypto';
import { HttpError, errorFields, type Logger } from '@frank/kit';
import type { WebhookSender } from '../messaging/eventbridge-webhook-sender.js';
import type { Webhook } from '../messaging/webhook.js';
import { applyBehaviourUpdate, behaviourProblem, type Behaviour, type BehaviourUpdate } from './behaviour.js';
import { decideOutcome, type PaymentPlan } from './decide-outcome.js';

export interface PaymentRequest {
  paymentId: string;
  amountCents: number;
  currency: string;
}

interface AcceptedPayment extends PaymentRequest {
  providerRef: string;
  plan: PaymentPlan;
}

export interface SimulatorOptions {
  defaults: Behaviour;
  random: () => number;
  sender: WebhookSender;
  log: Logger;
  /** A webhook that EventBridge refuses is retried with backoff this many times, then given up. */
  sendAttempts?: number;
}

/**
 * The simulated PSP: accepts payments, later sends each one's webhook as its behaviour decides,
 * refunds. Its state is memory only, like a sandbox PSP that forgets on restart. Requests are
 * idempotent per paymentId (an idempotency key, as real PSPs have): a client retrying a call
 * whose answer it lost gets the same providerRef and causes no second webhook.
 */
export class PaymentSimulator {
  private current: Behaviour;
  private readonly payments = new Map<string, AcceptedPayment>();
  private readonly refunds = new Map<string, { refundId: string; amountCents: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: SimulatorOptions) {
    this.current = { ...options.defaults };
  }

  get behaviour(): Behaviour {
    return { ...this.current };
  }

  updateBehaviour(update: BehaviourUpdate): Behaviour {
    const next = applyBehaviourUpdate(this.current, update);
    const problem = behaviourProblem(next);
    if (problem) throw new HttpError(400, 'validation-failed', `${problem.field}: ${problem.message}`, { field: problem.field });
    this.current = next;
    this.options.log.info('behaviour changed', { ...next });
    return this.behaviour;
  }

  resetBehaviour(): Behaviour {
    this.current = { ...this.options.defaults };
    this.options.log.info('behaviour reset', { ...this.current });
    return this.behaviour;
  }

  accept(request: PaymentRequest): { providerRef: string } {
    const known = this.payments.get(request.paymentId);
    if (known) {
      if (known.amountCents !== request.amountCents || known.currency !== request.currency) {
        throw new HttpError(409, 'conflict', `payment ${request.paymentId} was already requested with other amount or currency`, { field: 'paymentId' });
      }
      return { providerRef: known.providerRef };
    }
    const payment: AcceptedPayment = { ...request, providerRef: `psp_${randomUUID()}`, plan: decideOutcome(this.current, this.options.random) };
    this.payments.set(request.paymentId, payment);
    const webhook: Webhook = {
      webhookId: randomUUID(),
      paymentId: payment.paymentId,
      providerRef: payment.providerRef,
      outcome: payment.plan.outcome,
      amountCents: payment.amountCents,
    };
    this.options.log.info('payment accepted', { paymentId: payment.paymentId, providerRef: payment.providerRef, ...payment.plan });
    this.after(payment.plan.delayMs, async () => {
      await this.deliver(webhook);
      // A duplicate is the very same webhook again, as a PSP that did not see our 2xx resends it.
      if (payment.plan.duplicate) await this.deliver(webhook);
    });
    return { providerRef: payment.providerRef };
  }

  refund(request: { paymentId: string; amountCents: number }): { refundId: string } {
    const known = this.refunds.get(request.paymentId);
    if (known) return { refundId: known.refundId };
    const payment = this.payments.get(request.paymentId);
    if (payment && request.amountCents > payment.amountCents) {
      throw new HttpError(422, 'unprocessable', `amountCents: a refund of ${request.amountCents} exceeds the payment's ${payment.amountCents}`, {
        field: 'amountCents',
      });
    }
    // An unknown paymentId is refunded too: this PSP forgets its payments when it restarts.
    const refund = { refundId: `re_${randomUUID()}`, amountCents: request.amountCents };
    this.refunds.set(request.paymentId, refund);
    this.options.log.info('payment refunded', { paymentId: request.paymentId, ...refund });
    return { refundId: refund.refundId };
  }

  /** Cancels every webhook not yet sent; the process can exit at once. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async deliver(webhook: Webhook): Promise<void> {
    const attempts = this.options.sendAttempts ?? 8;
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.options.sender.send(webhook);
        this.options.log.info('webhook sent', { ...webhook, attempt });
        return;
      } catch (error) {
        if (attempt >= attempts || this.stopped) {
          this.options.log.error('webhook given up', { ...webhook, attempt, ...errorFields(error) });
          return;
        }
        const delayMs = Math.min(5000, 200 * 2 ** (attempt - 1));
        this.options.log.warn('webhook not sent; retrying', { webhookId: webhook.webhookId, attempt, retryInMs: delayMs, ...errorFields(error) });
        await new Promise<void>((resolve) => this.after(delayMs, async () => resolve()));
      }
    }
  }

  /** A timer that neither keeps the process alive nor survives `stop`. */
  private after(delayMs: number, work: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((error) => this.options.log.error('webhook delivery failed', errorFields(error)));
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
