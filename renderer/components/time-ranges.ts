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

/** Axis tick labels are 11 px; this is a generous average glyph width for them. */
const TICK_CHAR_PX = 6.6;

/**
 * Chart margins that keep the first and last x-axis labels inside the chart: each label is centred
 * on its tick, and the outermost ticks sit on the plot's edges, so half a label hangs over each
 * side (a 7-day label, "Wed 06 AM", is about 60 px wide and was cut at both ends).
 */
export function axisMargins(sampleLabel: string, yAxisWidth: number): { top: number; right: number; bottom: number; left: number } {
  const half = Math.ceil((sampleLabel.length * TICK_CHAR_PX) / 2) + 2;
  return { top: 6, right: Math.max(6, half), bottom: 0, left: Math.max(-18, half - yAxisWidth) };
}
