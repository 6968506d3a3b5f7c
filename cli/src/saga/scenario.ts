import { FLAG_NAMES } from '@frank/contracts/flags';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DURATION_EXAMPLE, readDuration } from '@frank/contracts/duration';
import { z } from 'zod';
import { parseDuration } from '../lab/duration.js';
import { UsageError } from '../errors.js';
import { REPOSITORY_ROOT } from '../lab/paths.js';
import { readYamlFile } from '../lab/yaml-file.js';

/**
 * A saga scenario: how the simulators behave, what orders are placed and how many, and what the
 * run must end with. One YAML file each; the catalogue is `templates/scenarios/*.yaml`.
 */
export const CATALOGUE_DIR = path.join(REPOSITORY_ROOT, 'templates', 'scenarios');

const rate = z.number().min(0).max(1);
const millis = z.number().int().min(0);

/** Fields of PUT ${payment-provider}/admin/behaviour; unset ones keep the provider's environment values. */
const providerSchema = z.strictObject({
  latencyMs: millis.optional(),
  declineRate: rate.optional(),
  timeoutRate: rate.optional(),
  lateWebhookDelayMs: millis.optional(),
  duplicateWebhookRate: rate.optional(),
});

/** Fields of PUT ${notification}/admin/channels; unset ones keep what the channels had before the run. */
const channelsSchema = z.strictObject({
  failureRate: rate.optional(),
  latencyMs: millis.max(60_000).optional(),
});

const SKU_MESSAGE = 'must be "random" (an in-stock product the run picks and restocks) or a product SKU such as "SKU-0057"';
const lineSchema = z.strictObject({
  sku: z.string({ error: SKU_MESSAGE }).regex(/^(random|[A-Za-z0-9][A-Za-z0-9_-]*)$/, SKU_MESSAGE),
  qty: z.number().int().min(1).max(1000).default(1),
});

const mixSchema = z.strictObject({
  weight: z.number().positive().default(1),
  items: z.array(lineSchema).min(1),
});

const COUNT_MESSAGE = 'must be a count: a whole number, "all", "none", or a comparison such as ">= 3", "< 50%"';
/** A whole number, all, none, or a comparison with a number or a share of the orders placed. */
const countSchema = z.union(
  [
    z.number({ error: COUNT_MESSAGE }).int(COUNT_MESSAGE).min(0, COUNT_MESSAGE),
    z.string({ error: COUNT_MESSAGE }).regex(/^\s*(all|none|(>=|<=|>|<|=)?\s*\d+(\.\d+)?%?)\s*$/, COUNT_MESSAGE),
  ],
  { error: COUNT_MESSAGE },
);

export const EXPECTATION_KEYS = ['confirmed', 'cancelled', 'rejected', 'released', 'refunded', 'notificationsFailed'] as const;
export type ExpectationKey = (typeof EXPECTATION_KEYS)[number];

const expectSchema = z.strictObject(
  Object.fromEntries(EXPECTATION_KEYS.map((key) => [key, countSchema.optional()])) as Record<ExpectationKey, z.ZodOptional<typeof countSchema>>,
);

const DURATION_MESSAGE = `must be ${DURATION_EXAMPLE}`;
const durationSchema = z.string({ error: DURATION_MESSAGE }).check((ctx) => {
  const read = readDuration(ctx.value);
  if ('problem' in read) ctx.issues.push({ code: 'custom', message: read.problem, input: ctx.value });
});

/** The open model's bounds: a rate in orders per second and how long arrivals go on. */
export const MAX_RATE = 1000;
export const MAX_LOAD_DURATION_MS = 3_600_000;
export const RATE_MESSAGE = `must be orders per second: a number > 0 and ≤ ${MAX_RATE}, such as 50 or 0.5`;
const rateSchema = z.number({ error: RATE_MESSAGE }).positive(RATE_MESSAGE).max(MAX_RATE, RATE_MESSAGE);

const flagChangeSchema = z.strictObject({
  flag: z.enum(FLAG_NAMES),
  set: z.union([z.boolean(), z.enum(['on', 'off'])], { error: 'must be on or off' }).transform((value) => value === true || value === 'on'),
  /** When: after this share of the orders (closed model) or arrivals (open model) was placed. */
  after: z
    .string({ error: 'must be a share of the orders such as 50%' })
    .regex(/^(\d{1,2}|100)%$/, 'must be a share of the orders such as 50%')
    .transform((value) => Number(value.slice(0, -1))),
});

const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lowercase name of letters, digits and dashes'),
    description: z.string().min(1),
    provider: providerSchema.default({}),
    channels: channelsSchema.default({}),
    /** on_hand set per SKU before the run (POST ${inventory}/admin/stock/:sku). */
    stock: z.record(z.string(), z.number().int().min(0)).default({}),
    orders: z.number().int().min(1).max(100_000).default(20),
    concurrency: z.number().int().min(1).max(500).default(4),
    /** The open model: `rate` orders per second for `duration`, instead of `orders` at `concurrency`. */
    rate: rateSchema.optional(),
    duration: durationSchema.optional(),
    settleTimeout: durationSchema.default('60s'),
    mix: z.array(mixSchema).min(1),
    expect: expectSchema.default({}),
    /** Flags flipped during the run, each once its share of the orders has been placed; set back afterwards. */
    flags: z.array(flagChangeSchema).default([]),
  })
  .superRefine((scenario, context) => {
    const { declineRate = 0, timeoutRate = 0 } = scenario.provider;
    if (declineRate + timeoutRate > 1)
      context.addIssue({
        code: 'custom',
        path: ['provider', 'timeoutRate'],
        message: `declineRate + timeoutRate must be ≤ 1, not ${declineRate + timeoutRate}`,
      });
    if ((scenario.rate === undefined) !== (scenario.duration === undefined)) {
      const [given, missing] = scenario.rate === undefined ? ['duration', 'rate'] : ['rate', 'duration'];
      context.addIssue({
        code: 'custom',
        path: [given],
        message: `needs ${missing} beside it: the open model places rate orders per second for duration (or remove ${given} for the closed model of orders and concurrency)`,
      });
    }
    const read = scenario.duration === undefined ? undefined : readDuration(scenario.duration);
    if (read && 'ms' in read) {
      const { ms } = read;
      if (ms > MAX_LOAD_DURATION_MS)
        context.addIssue({ code: 'custom', path: ['duration'], message: `must be longer than 0 and at most 60m, not "${scenario.duration}"` });
      else if (scenario.rate !== undefined && Math.floor((scenario.rate * ms) / 1000 + 1e-9) < 1)
        context.addIssue({ code: 'custom', path: ['rate'], message: `${scenario.rate}/s for ${scenario.duration} places no order: raise rate or duration` });
    }
    scenario.mix.forEach((entry, index) => {
      const fixed = entry.items.filter((line) => line.sku !== 'random').map((line) => line.sku);
      const repeated = fixed.find((sku, i) => fixed.indexOf(sku) !== i);
      if (repeated) context.addIssue({ code: 'custom', path: ['mix', index, 'items'], message: `"${repeated}" appears twice: an order has one line per SKU` });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema> & { file: string; settleTimeoutMs: number; durationMs?: number };
export type CountExpectation = z.infer<typeof countSchema>;
export type ProviderBehaviour = z.infer<typeof providerSchema>;
export type ScenarioFlagChange = z.infer<typeof flagChangeSchema>;
export type ChannelBehaviour = z.infer<typeof channelsSchema>;

export function parseScenario(text: string, file: string): Scenario {
  const { data } = readYamlFile(text, file, scenarioSchema, {
    describeKey: (keyPath) => (keyPath.length === 0 ? '(top level)' : keyPath.join('.')),
    describeIssue,
    hint: 'See templates/scenarios/happy-path.yaml for a commented scenario.',
  });
  return {
    ...data,
    file,
    settleTimeoutMs: parseDuration(data.settleTimeout, 'settleTimeout'),
    ...(data.duration === undefined ? {} : { durationMs: parseDuration(data.duration, 'duration') }),
  };
}

export async function loadScenarioFile(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, { hint: 'Check the path given to --file.' });
  }
  return parseScenario(text, file);
}

/** Every scenario of the catalogue, by name. */
export async function listScenarios(dir: string = CATALOGUE_DIR): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  return Promise.all(files.map((f) => loadScenarioFile(path.join(dir, f))));
}

export async function findScenario(name: string, dir: string = CATALOGUE_DIR): Promise<Scenario> {
  const scenarios = await listScenarios(dir);
  const found = scenarios.find((s) => s.name === name);
  if (!found) {
    throw new UsageError(`No scenario "${name}" in the catalogue.`, {
      hint: `Use one of: ${scenarios.map((s) => s.name).join(', ')}; or give your own with --file <scenario.yaml>.`,
    });
  }
  return found;
}

function describeIssue(issue: z.core.$ZodIssue, keyPath: string[]): string {
  const last = keyPath.at(-1);
  if (keyPath.length === 1 && last === 'rate' && issue.code !== 'custom') return RATE_MESSAGE;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(keyPath);
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return issue.message;
    case 'invalid_format':
      return issue.message;
    case 'invalid_type':
      if (issue.input === undefined) return `is required (${issue.expected})`;
      if (last === 'sku' && issue.expected === 'string') return SKU_MESSAGE;
      return `must be ${issue.expected}, not ${typeof issue.input === 'object' ? (Array.isArray(issue.input) ? 'a list' : 'a map') : JSON.stringify(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`
        : `must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** The keys a map at this path takes, for "unknown key" errors. */
function allowedKeys(keyPath: string[]): string[] | undefined {
  const shape = (schema: unknown): string[] | undefined =>
    schema && typeof schema === 'object' && 'shape' in schema ? Object.keys((schema as { shape: object }).shape) : undefined;
  if (keyPath.length === 0) return Object.keys(scenarioSchema.shape);
  if (keyPath.length === 1) return shape({ provider: providerSchema, channels: channelsSchema, expect: expectSchema }[keyPath[0]!]);
  if (keyPath[0] === 'mix' && keyPath.length === 2) return Object.keys(mixSchema.shape);
  if (keyPath[0] === 'mix' && keyPath.length === 4) return Object.keys(lineSchema.shape);
  return undefined;
}
