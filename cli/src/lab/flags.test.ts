import { FLAG_NAMES } from '@frank/contracts/flags';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrankError, UsageError } from '../errors.js';
import type { Lab } from './lab.js';
import { labFlags, parseFlagName, parseFlagValue } from './flags.js';
import { REPOSITORY_ROOT } from './paths.js';
import { loadTopology, parseTopology } from './topology.js';

const thrown = (work: () => unknown): Error => {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
};

describe('frank flags: what the user types', () => {
  it('takes the flags of the vocabulary and refuses any other, listing them', () => {
    for (const name of FLAG_NAMES) expect(parseFlagName(name)).toBe(name);
    const error = thrown(() => parseFlagName('payment.kill-swich'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe('No flag "payment.kill-swich".');
    expect((error as UsageError).hint).toBe("The lab's flags: payment.kill-switch, payment.provider-v2, notification.sms (see `npx frank flags ls`).");
  });

  it('takes on or off and refuses anything else', () => {
    expect(parseFlagValue('on')).toBe(true);
    expect(parseFlagValue('OFF')).toBe(false);
    const error = thrown(() => parseFlagValue('maybe'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe('A flag is set "on" or "off", not "maybe".');
  });
});

describe('labFlags', () => {
  const labOf = (topology: Lab['topology']) => ({ topology, isUp: false, state: undefined }) as unknown as Lab;

  it('a lab that is not up has no flags to read or set: says so and what to run', async () => {
    const topology = await loadTopology(path.join(REPOSITORY_ROOT, 'frank.yaml'));
    const error = await labFlags(labOf(topology)).catch((e: unknown) => e as FrankError);
    expect(error).toBeInstanceOf(FrankError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as FrankError).message).toBe('The lab is not up: its flags live in Unleash, which runs with it.');
    expect((error as FrankError).hint).toBe('Run `npx frank up` first.');
  });

  it('a frank.yaml without unleash has no flags', async () => {
    const topology = parseTopology('version: 1\nresources:\n  cache: { kind: redis, port: 6379 }\n', 'frank.yaml');
    await expect(labFlags(labOf(topology))).rejects.toThrow('frank.yaml has no unleash resource: the lab has no feature flags.');
  });
});
