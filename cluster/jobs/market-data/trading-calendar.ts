/**
 * Trading days of the synthetic universe: weekdays, without the fixed-date market holidays
 * (New Year's Day, Independence Day, Christmas). Dates are ISO `YYYY-MM-DD` strings, which sort
 * chronologically as strings.
 */

const HOLIDAYS = new Set(['01-01', '07-04', '12-25']);
const DAY_MS = 86_400_000;

/** Trading days from `start` to `end` inclusive. */
export function tradingDays(start: string, end: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += DAY_MS) {
    const d = new Date(t);
    const weekday = d.getUTCDay();
    const iso = d.toISOString().slice(0, 10);
    if (weekday === 0 || weekday === 6 || HOLIDAYS.has(iso.slice(5))) continue;
    days.push(iso);
  }
  return days;
}

/** Calendar days between two ISO dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}
