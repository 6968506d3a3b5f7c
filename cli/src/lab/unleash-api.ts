import { FLAG_NAMES, FLAG_PROJECT, FLAGS, type FlagName } from '@frank/contracts/flags';
import { FrankError } from '../errors.js';

/** One flag as Unleash holds it: its state in each environment of the project. */
export interface FlagState {
  name: FlagName;
  /** False when Unleash does not have it (a lab whose `up` has not seeded it yet). */
  exists: boolean;
  environments: { name: string; enabled: boolean }[];
}

/**
 * Unleash's admin API with the lab's admin token: what `frank up` seeds, `frank flags` reads and
 * flips, and the kill-switch fault turns on and off. Every call is idempotent.
 */
export class UnleashAdmin {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Unleash's own health endpoint: 200 once its database is migrated and it serves. */
  async health(signal?: AbortSignal): Promise<void> {
    const response = await fetch(`${this.baseUrl}/health`, { signal: timeout(signal) });
    if (!response.ok) throw new Error(`GET /health answered ${response.status}`);
    // The admin token is accepted only once Unleash has stored it: the lab is ready for flags then.
    await this.call('GET', `/api/admin/projects/${FLAG_PROJECT}/features`, undefined, signal);
  }

  /**
   * Creates each flag of the vocabulary that Unleash lacks, in the state its declaration gives;
   * a flag that exists keeps its state (a flip survives `down` and `up`). Returns those created.
   */
  async seed(): Promise<FlagName[]> {
    const created: FlagName[] = [];
    for (const name of FLAG_NAMES) {
      if (await this.find(name)) continue;
      const spec = FLAGS[name];
      await this.call('POST', `/api/admin/projects/${FLAG_PROJECT}/features`, { name, description: spec.description, type: spec.type, impressionData: false });
      if (spec.default) await this.setEnabled(name, 'development', true);
      created.push(name);
    }
    return created;
  }

  async state(name: FlagName): Promise<FlagState> {
    const feature = await this.find(name);
    return {
      name,
      exists: feature !== undefined,
      environments: (feature?.environments ?? []).map((e) => ({ name: e.name, enabled: e.enabled })),
    };
  }

  async setEnabled(name: FlagName, environment: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/api/admin/projects/${FLAG_PROJECT}/features/${encodeURIComponent(name)}/environments/${environment}/${enabled ? 'on' : 'off'}`);
  }

  private async find(name: FlagName): Promise<{ environments?: { name: string; enabled: boolean }[] } | undefined> {
    return this.call('GET', `/api/admin/projects/${FLAG_PROJECT}/features/${encodeURIComponent(name)}`, undefined, undefined, { notFound: true });
  }

  private async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal, options: { notFound?: boolean } = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: this.token, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: timeout(signal),
      });
    } catch (error) {
      throw new FrankError(`Unleash does not answer at ${this.baseUrl} (${(error as Error).message}).`, {
        hint: '`npx frank status` shows whether unleash runs; `npx frank up` starts it.',
        cause: error,
      });
    }
    if (options.notFound && response.status === 404) return undefined as T;
    const text = await response.text();
    if (!response.ok) throw new FrankError(`Unleash refused ${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

const timeout = (signal?: AbortSignal) => (signal ? AbortSignal.any([signal, AbortSignal.timeout(5000)]) : AbortSignal.timeout(5000));
