/**
 * The one duration grammar of the lab: `300ms`, `10s`, `1.5m`, `1h` (surrounding spaces ignored), at
 * most 24 h, 0 only where it means something. The CLI's flags, scenario files, the console's form and
 * the BFF's fault endpoint all read durations with it.
 */
export const DURATION_EXAMPLE = 'a duration such as 500ms, 10s or 2m';
export const MAX_DURATION_MS = 24 * 3_600_000;

const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export interface DurationRule {
  /** 0 allowed (a jitter, a timeout toxic that never closes); otherwise it must be > 0. */
  zero?: boolean;
}

/** Milliseconds of a duration, or what is wrong with it in words that complete "<what> …". */
export function readDuration(text: string, rule: DurationRule = {}): { ms: number } | { problem: string } {
  const trimmed = text.trim();
  const match = PATTERN.exec(trimmed);
  if (!match) {
    const hint = /^\d+(\.\d+)?$/.test(trimmed) ? ` (add a unit: ${trimmed}ms or ${trimmed}s)` : trimmed.startsWith('-') ? ' (durations are not negative)' : '';
    return { problem: `takes ${DURATION_EXAMPLE}, not "${text}"${hint}` };
  }
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
  if (ms === 0 && !rule.zero) return { problem: `must be longer than 0, not "${text}"` };
  if (ms > MAX_DURATION_MS) return { problem: `must be at most 24h, not "${text}"` };
  return { ms };
}

/** 300 → "300ms", 10000 → "10s", 90000 → "1.5m": the short form a user would type, which reads back the same. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))}m`;
  return `${Number((ms / 3_600_000).toFixed(1))}h`;
}
