import { FLAGS, flagsOf, FLAG_ENVIRONMENT, type FlagName, type FlagsView } from '@frank/contracts/flags';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { errorFields, type Logger } from './log.js';

export { FLAGS, type FlagName, type FlagsView } from '@frank/contracts/flags';

/** How often the client asks Unleash for the flags: a flip reaches a service within about this long. */
export const FLAG_REFRESH_MS = 1000;

/**
 * A service's feature flags, read through Unleash's own client (`unleash-client`), each one by its
 * name in the contracts' vocabulary. Unleash that does not answer never fails a read: before the
 * first synchronisation every flag reads its declared default; after it, the last state Unleash
 * gave holds (as Unleash's SDKs do: a kill switch must not let go because Unleash restarts).
 */
export interface Flags {
  isEnabled(flag: FlagName): boolean;
  /** What `GET /internal/flags` answers: the service's own flags as it sees them now. */
  view(): FlagsView;
  close(): void;
}

export interface FlagsOptions {
  /** UNLEASH_URL (its client API, `…/api`); absent: every flag its default, nothing is asked. */
  url: string | undefined;
  token: string | undefined;
  /** The service: Unleash lists it as the application that reads the flags. */
  appName: string;
  log: Logger;
  refreshMs?: number;
}

export function createFlags(options: FlagsOptions): Flags {
  const own = flagsOf(options.appName);
  const defaults = (): FlagsView => ({ source: 'defaults', flags: Object.fromEntries(own.map((name) => [name, FLAGS[name].default])) });
  if (!options.url) {
    return { isEnabled: (flag) => FLAGS[flag].default, view: defaults, close: () => undefined };
  }
  const client = new Unleash({
    url: options.url,
    appName: options.appName,
    environment: FLAG_ENVIRONMENT,
    refreshInterval: options.refreshMs ?? FLAG_REFRESH_MS,
    disableMetrics: true,
    timeout: 2000,
    customHeaders: options.token ? { Authorization: options.token } : {},
    // Nothing on disk: a restarted service starts from the defaults until Unleash answers.
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  // One line when Unleash stops answering, one when it is back: the client retries on its own.
  let failing = false;
  const notAnswering = (error: unknown) => {
    if (!failing) options.log.warn('Unleash does not answer; flags keep their last known state (defaults before the first)', errorFields(error));
    failing = true;
  };
  client.on(UnleashEvents.Error, notAnswering);
  // A connection reset is a warning to unleash-client (it retries sooner); to the lab it is Unleash not answering too.
  client.on(UnleashEvents.Warn, notAnswering);
  const answered = () => {
    if (failing) options.log.info('Unleash answers again');
    failing = false;
  };
  client.on(UnleashEvents.Unchanged, answered);
  client.on(UnleashEvents.Changed, answered);
  const isEnabled = (flag: FlagName) => (client.isSynchronized() ? client.isEnabled(flag, undefined, FLAGS[flag].default) : FLAGS[flag].default);
  return {
    isEnabled,
    view: () => (client.isSynchronized() ? { source: 'unleash', flags: Object.fromEntries(own.map((name) => [name, isEnabled(name)])) } : defaults()),
    close() {
      client.destroy();
      // unleash-client 6.12 drops its listeners on destroy, and a fetch still in flight (retrying an
      // Unleash that does not answer) then emits an 'error' nobody hears, which ends the process.
      (client as unknown as { repository?: { on(event: string, listener: () => void): void } }).repository?.on(UnleashEvents.Error, () => undefined);
    },
  };
}
