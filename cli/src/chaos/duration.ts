import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export interface DurationRule {
  /** What the value is for, as the error names it: `--for`, `the latency`. */
  what: string;
  /** 0 allowed (a jitter, a timeout toxic that never closes); otherwise it must be > 0. */
  zero?: boolean;
}

/** "300ms", "10s", "1.5m", "1h" in milliseconds; anything else is a usage error naming the value and what it was for. */
export function parseDuration(text: string, rule: DurationRule): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const example = 'a duration such as 500ms, 10s or 2m';
  if (!match) {
    const hint = /^\d+(\.\d+)?$/.test(text.trim())
      ? ` (add a unit: ${text.trim()}ms or ${text.trim()}s)`
      : text.trim().startsWith('-')
        ? ' (durations are not negative)'
        : '';
    throw new UsageError(`${rule.what} takes ${example}, not "${text}"${hint}.`);
  }
  const ms = Math.round(Number(match[1]) * UNITS[match[2]!]!);
  if (ms === 0 && !rule.zero) throw new UsageError(`${rule.what} must be longer than 0, not "${text}".`);
  if (ms > 24 * 3_600_000) throw new UsageError(`${rule.what} must be at most 24h, not "${text}".`);
  return ms;
}

/** 300 → "300ms", 10000 → "10s", 90000 → "1.5m": the short form a user would type. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))}m`;
  return `${Number((ms / 3_600_000).toFixed(1))}h`;
}
