/**
 * Grouping accuracy as log-parsing benchmarks (Loghub) measure it: a message counts as grouped
 * correctly when the group it was put in holds exactly the messages that carry its label — no
 * more, no fewer. A split label or a merged pair costs every message involved.
 */
export function groupingAccuracy(predicted: readonly string[], labels: readonly string[]): number {
  if (predicted.length !== labels.length) throw new Error(`${predicted.length} groups for ${labels.length} labels: give one of each per message`);
  if (labels.length === 0) return 1;
  const members = (keys: readonly string[]) => {
    const m = new Map<string, number[]>();
    keys.forEach((k, i) => m.set(k, [...(m.get(k) ?? []), i]));
    return m;
  };
  const byGroup = members(predicted);
  const byLabel = members(labels);
  let correct = 0;
  // A group is right when it has one label and that label's messages all sit in it.
  for (const indices of byGroup.values()) {
    const label = labels[indices[0]!]!;
    if (indices.every((i) => labels[i] === label) && byLabel.get(label)!.length === indices.length) correct += indices.length;
  }
  return correct / labels.length;
}
