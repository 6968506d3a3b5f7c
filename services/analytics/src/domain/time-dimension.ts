export interface TimeDimensionRow {
  dateKey: number;
  date: string;
  year: number;
  quarter: number;
  month: number;
  day: number;
  /** ISO weekday: Monday = 1 … Sunday = 7. */
  weekday: number;
}

/** The calendar row of an instant, in UTC so that every service and the cubes agree on the day. */
export function timeDimensionOf(at: Date): TimeDimensionRow {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + 1;
  const day = at.getUTCDate();
  return {
    dateKey: year * 10_000 + month * 100 + day,
    date: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    year,
    quarter: Math.ceil(month / 3),
    month,
    day,
    weekday: at.getUTCDay() === 0 ? 7 : at.getUTCDay(),
  };
}

/** An envelope's `time`, or now when it is not a date (a late event is still loaded). */
export function instantOf(time: string, now: () => Date = () => new Date()): Date {
  const at = new Date(time);
  return Number.isNaN(at.getTime()) ? now() : at;
}
