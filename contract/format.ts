/** Formatting shared by the screens and the reports' PDF, so both say a number the same way. */

/** "512 B", "3.4 MB" (binary multiples, as memory is counted). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** The sign of a figure as shown: none when it rounds to zero ("-0%" read as a fall). */
function signed(rounded: string): string {
  if (Number(rounded) === 0) return rounded.replace('-', '');
  return rounded.startsWith('-') ? rounded : `+${rounded}`;
}

/** A relative change as a whole percentage: "+15%", "-16%", "0%"; "—" without one. */
export function formatRelativeChange(ratio: number | null): string {
  return ratio === null ? '—' : `${signed((ratio * 100).toFixed(0))}%`;
}

/** A change of a rate (0.013 = 1.3 points) in percentage points: "+1.3 pt", "0.0 pt"; "—" without one. */
export function formatPointChange(diff: number | null): string {
  return diff === null ? '—' : `${signed((diff * 100).toFixed(1))} pt`;
}
