/** Time range choices of charts, in words. */
import { TIME_RANGES, type TimeRange } from '../../contract/admin-api.ts';

export const TIME_RANGE_OPTIONS: readonly { key: TimeRange; label: string }[] = TIME_RANGES.map((key) => ({ key, label: key }));

/** Tick label for a chart instant, fitting the range. */
export function tickFormatter(range: TimeRange) {
  const fmt = new Intl.DateTimeFormat(undefined, range === '7d' ? { weekday: 'short', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
  return (iso: string) => fmt.format(Date.parse(iso));
}
