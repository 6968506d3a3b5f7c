/**
 * The lab's feature flags, declared once: the CLI seeds them in Unleash (`frank up`), lists and
 * flips them (`frank flags`, the kill-switch fault), and the kit reads each one with its default
 * when Unleash does not answer. A flag that is not here does not exist for the lab.
 */
export const FLAG_NAMES = ['payment.kill-switch', 'payment.provider-v2', 'notification.sms'] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

export interface FlagSpec {
  /** The service whose behaviour it changes (the one place it is read). */
  service: string;
  description: string;
  /** What a service reads while Unleash does not answer, and the state `frank up` seeds. */
  default: boolean;
  /** Unleash's flag type: `kill-switch` for an operational off switch, else `release`. */
  type: 'release' | 'kill-switch';
}

export const FLAGS: Record<FlagName, FlagSpec> = {
  'payment.kill-switch': {
    service: 'payment',
    description: 'payment declines every new payment at once (payment.failed {reason: kill-switch}); the saga compensates',
    default: false,
    type: 'kill-switch',
  },
  'payment.provider-v2': {
    service: 'payment',
    description: 'payment asks the provider through its v2 path (an idempotency key per payment), recorded in payments.provider_path',
    default: false,
    type: 'release',
  },
  'notification.sms': {
    service: 'notification',
    description: 'notification sends an SMS beside the e-mail when the customer has a phone number',
    default: false,
    type: 'release',
  },
};

export function isFlagName(text: string): text is FlagName {
  return (FLAG_NAMES as readonly string[]).includes(text);
}

/** The flags a service reads. */
export function flagsOf(service: string): FlagName[] {
  return FLAG_NAMES.filter((name) => FLAGS[name].service === service);
}

/** The kill switch of a service (the flag of type kill-switch it reads), if it has one: what `frank chaos kill-switch` flips. */
export function killSwitchOf(service: string): FlagName | undefined {
  return flagsOf(service).find((name) => FLAGS[name].type === 'kill-switch');
}

/** The environment the services' Unleash clients read (the lab runs one: development). */
export const FLAG_ENVIRONMENT = 'development';

/** The project the lab's flags live in. */
export const FLAG_PROJECT = 'default';

/** What `GET /internal/flags` of a service answers: the flags as that service sees them now. */
export interface FlagsView {
  /** `unleash`: synchronised with Unleash; `defaults`: Unleash not reached (yet), every flag its default. */
  source: 'unleash' | 'defaults';
  flags: Partial<Record<FlagName, boolean>>;
}
