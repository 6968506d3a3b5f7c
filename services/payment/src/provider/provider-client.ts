/** A failed call to the PSP; `retryable` says whether trying again can help (network, 5xx, 429). */
export class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'ProviderCallError';
  }
}

import type { ProviderPath } from '../domain/payment-transitions.js';

export interface ProviderClient {
  /** v2 (the flag `payment.provider-v2`) sends the payment id as an Idempotency-Key header, as a v2 PSP API asks for. */
  requestPayment(request: { paymentId: string; amountCents: number; currency: string }, path?: ProviderPath): Promise<{ providerRef: string }>;
  /** Idempotent per paymentId at the provider: a retry returns the same refundId. */
  refund(request: { paymentId: string; amountCents: number }): Promise<{ refundId: string }>;
}

/** The simulated PSP over HTTP (`PAYMENT_PROVIDER_URL`). */
export function httpProviderClient(baseUrl: string, timeoutMs: number): ProviderClient {
  const post = async <T>(path: string, body: unknown, answerField: keyof T & string, headers: Record<string, string> = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ProviderCallError(`POST ${path} failed: ${(error as Error).message}`, true, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok)
      throw new ProviderCallError(`POST ${path} answered ${response.status}: ${text.slice(0, 200)}`, response.status >= 500 || response.status === 429);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    const value = (answer as Record<string, unknown> | undefined)?.[answerField];
    if (typeof value !== 'string' || value === '') throw new ProviderCallError(`POST ${path} answered without ${answerField}: ${text.slice(0, 200)}`, true);
    return answer as T;
  };
  return {
    requestPayment: (request, path = 'v1') =>
      post<{ providerRef: string }>('/payments', request, 'providerRef', path === 'v2' ? { 'idempotency-key': request.paymentId } : {}),
    refund: (request) => post<{ refundId: string }>('/refunds', request, 'refundId'),
  };
}
