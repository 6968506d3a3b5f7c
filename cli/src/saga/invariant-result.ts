/** One invariant's verdict: pass or fail with the offending ids. */
export interface InvariantResult {
  name: string;
  ok: boolean;
  /** One line for a reader: what holds, or what is wrong with the first offenders. */
  details: string;
  /** The offending ids (orders, SKUs, outbox rows `service:id`, queues), at most MAX_IDS. */
  ids: string[];
}

export const MAX_IDS = 50;

export function invariantResult(name: string, offenders: { id: string; why: string }[], holds: string): InvariantResult {
  if (offenders.length === 0) return { name, ok: true, details: holds, ids: [] };
  const shown = offenders
    .slice(0, 5)
    .map((o) => `${o.id} (${o.why})`)
    .join(', ');
  return {
    name,
    ok: false,
    details: `${offenders.length} offending: ${shown}${offenders.length > 5 ? ', …' : ''}`,
    ids: offenders.slice(0, MAX_IDS).map((o) => o.id),
  };
}
