/** Time range choices of charts, in words. */
import { TIME_RANGES, type TimeRange } from '../../contract/admin-api.ts';

export const TIME_RANGE_OPTIONS: readonly { key: TimeRange; label: string }[] = TIME_RANGES.map((key) => ({ key, label: key }));

/**
 * Tick label for a chart instant, fitting the range — and the data: samples spanning only a few
 * minutes (a node that just started) get seconds, or every tick would read the same minute.
 */
export function tickFormatter(range: TimeRange, dataSpanMs = Number.POSITIVE_INFINITY) {
  const options: Intl.DateTimeFormatOptions =
    range === '7d' ? { weekday: 'short', hour: '2-digit' } : dataSpanMs < 10 * 60_000 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  const fmt = new Intl.DateTimeFormat(undefined, options);
  return (iso: string) => fmt.format(Date.parse(iso));
}

/** Time between the first and last of some time-ordered samples. */
export function spanOf(samples: readonly { at: string }[]): number {
  return samples.length < 2 ? 0 : Date.parse(samples[samples.length - 1]!.at) - Date.parse(samples[0]!.at);
}
