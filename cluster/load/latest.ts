/**
 * The `n` rows with the largest key (the latest by a time), in no particular order: the load model
 * keeps its statistics to the most recent jobs. Typed-array sorting of the keys alone instead of
 * sorting the rows with a comparator: it runs for every queue at every refresh, over thousands of rows.
 */
export function latest<T>(rows: readonly T[], key: (row: T) => number, n: number): T[] {
  if (rows.length <= n) return [...rows];
  if (n <= 0) return [];
  const keys = Float64Array.from(rows, key).sort();
  const threshold = keys[keys.length - n]!;
  let above = 0;
  for (let i = keys.length - 1; i >= 0 && keys[i]! > threshold; i--) above++;
  // Rows at the threshold fill what the rows above it leave of n.
  let atThreshold = n - above;
  const out: T[] = [];
  for (const row of rows) {
    const k = key(row);
    if (k > threshold) out.push(row);
    else if (k === threshold && atThreshold > 0) {
      out.push(row);
      atThreshold--;
    }
  }
  return out;
}
