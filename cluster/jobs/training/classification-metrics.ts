/** Metrics of predicted probabilities against 0/1 labels: accuracy, ROC AUC and log-loss. */

/** Share of rows where (p ≥ 0.5) equals the label. */
export function accuracy(p: Float64Array, y: Uint8Array): number {
  if (y.length === 0) return NaN;
  let right = 0;
  for (let i = 0; i < y.length; i++) if ((p[i]! >= 0.5 ? 1 : 0) === y[i]) right++;
  return right / y.length;
}

/** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15]. */
export function logLoss(p: Float64Array, y: Uint8Array): number {
  if (y.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]!));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / y.length;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative
 * (Mann–Whitney U from ranks, ties sharing their mean rank). NaN when one class is missing.
 */
export function rocAuc(p: Float64Array, y: Uint8Array): number {
  const order = Array.from(p.keys()).sort((a, b) => p[a]! - p[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && p[order[j + 1]!] === p[order[i]!]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[order[k]!] === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    i = j + 1;
  }
  const negatives = y.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
