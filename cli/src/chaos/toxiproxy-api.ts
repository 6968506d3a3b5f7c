import { FrankError, errorMessage } from '../errors.js';
import type { Toxic } from './fault-spec.js';

export interface ProxyState {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: { name: string; type: string; stream: string; attributes: Record<string, number> }[];
}

/** The few calls of Toxiproxy's HTTP API that chaos makes (https://github.com/Shopify/toxiproxy#http-api). */
export class ToxiproxyApi {
  constructor(readonly baseUrl: string) {}

  async proxies(): Promise<Record<string, ProxyState>> {
    return (await this.call('GET', '/proxies')) as Record<string, ProxyState>;
  }

  /** A disabled proxy closes its connections and refuses new ones: a partition of that link. */
  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}`, { enabled });
  }

  /** On the downstream (what the server sends back): a latency of 300ms delays every answer by 300ms, not twice. */
  async addToxic(proxy: string, name: string, toxic: Toxic): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, {
      name,
      type: toxic.type,
      stream: 'downstream',
      toxicity: 1,
      attributes: toxic.attributes,
    });
  }

  /** A toxic that is gone already is fine. */
  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`, undefined, [404]);
  }

  /** Every proxy enabled, every toxic removed. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call(method: string, path: string, body?: unknown, fine: number[] = []): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new FrankError(`Toxiproxy does not answer at ${this.baseUrl}: ${errorMessage(error)}`, {
        hint: 'Check `npx frank status`; `npx frank up` restarts it.',
        cause: error,
      });
    }
    const text = await response.text();
    if (!response.ok && !fine.includes(response.status)) throw new FrankError(`Toxiproxy answered ${method} ${path} with ${response.status}: ${text.trim()}`);
    return response.ok && text ? JSON.parse(text) : undefined;
  }
}
