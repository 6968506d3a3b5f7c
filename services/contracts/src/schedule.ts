/**
 * EventBridge's schedule expressions, as frank.yaml declares them and the lab fires them: the CLI
 * checks a rule's `schedule:` with it at load, and eventbridge-bridge's lab process computes the
 * due times with it. Only `rate()` is fired by the lab; `cron()` is read for the cloud only.
 */
export const RATE_EXAMPLE = 'rate(1 minute), rate(5 minutes), rate(1 hour) or rate(1 day)';

export interface RateSchedule {
  kind: 'rate';
  /** The period in milliseconds. */
  everyMs: number;
  text: string;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
/** AWS's cron: six fields (minutes hours day-of-month month day-of-week year). */
const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

/** A `rate()` expression, or what is wrong with it in words that complete "<rule's schedule> …". */
export function readRate(text: string): RateSchedule | { problem: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('cron(')) {
    return { problem: `is a cron() expression ("${text}"), which the lab does not fire: use ${RATE_EXAMPLE} (and put the cron under cloudSchedule for AWS)` };
  }
  const match = RATE.exec(trimmed);
  if (!match) return { problem: `takes ${RATE_EXAMPLE}, not "${text}"` };
  const count = Number(match[1]);
  const unit = match[2]!;
  if (count === 0) return { problem: `must be at least rate(1 ${unit.replace(/s$/, '')}), not "${text}"` };
  // AWS refuses "rate(1 minutes)" and "rate(5 minute)": the unit is singular for 1 only.
  const singular = !unit.endsWith('s');
  if (singular !== (count === 1)) {
    return { problem: `must say ${count === 1 ? `rate(1 ${unit.replace(/s$/, '')})` : `rate(${count} ${unit}s)`}, not "${text}" (AWS refuses the other form)` };
  }
  return { kind: 'rate', everyMs: count * UNIT_MS[unit.replace(/s$/, '') as keyof typeof UNIT_MS], text: trimmed };
}

/** A schedule AWS accepts (rate() or a six-field cron()), or what is wrong with it. */
export function readCloudSchedule(text: string): { text: string } | { problem: string } {
  const trimmed = text.trim();
  if (CRON.test(trimmed)) return { text: trimmed };
  const rate = readRate(trimmed);
  return 'problem' in rate ? { problem: `takes ${RATE_EXAMPLE} or a six-field cron(...) such as cron(0 3 * * ? *), not "${text}"` } : { text: rate.text };
}

/**
 * The latest due time at or before `now`. Due times are multiples of the period since the Unix
 * epoch (every minute on the minute; every day at 00:00 UTC): AWS counts from the rule's creation
 * instead, but a fixed grid makes a rule's firing time the same for every firer and every restart,
 * and so its event id.
 */
export function lastDueAt(schedule: RateSchedule, now: Date): Date {
  return new Date(Math.floor(now.getTime() / schedule.everyMs) * schedule.everyMs);
}
