export type ReservationStatus = 'HELD' | 'RELEASED' | 'COMMITTED' | 'REJECTED';

/** What a payment outcome does to a reservation: only a HELD one moves, and only once. */
export function settle(status: ReservationStatus, outcome: 'release' | 'commit'): ReservationStatus | undefined {
  if (status !== 'HELD') return undefined;
  return outcome === 'release' ? 'RELEASED' : 'COMMITTED';
}
