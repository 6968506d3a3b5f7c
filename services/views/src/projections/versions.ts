import type { EventEnvelope } from '@frank/kit';

/**
 * Versions are per stream in each publisher's own event store, so one order's events carry
 * independent version sequences from order, inventory, payment and notification. A view keeps
 * the last version applied per source; an event at or below it is old (or a repeat).
 */
export type SourceVersions = Record<string, number>;

export function isNewer(versions: SourceVersions | undefined, event: Pick<EventEnvelope, 'source' | 'version'>): boolean {
  return event.version > (versions?.[event.source] ?? 0);
}

export function withVersion(versions: SourceVersions | undefined, event: Pick<EventEnvelope, 'source' | 'version'>): SourceVersions {
  return { ...versions, [event.source]: Math.max(event.version, versions?.[event.source] ?? 0) };
}
