/**
 * Resource gauges — CPU, Memory, Disk I/O, Network — Normal / High / Action Needed. Each shows the
 * busiest node's latest sample among the online clusters in view, and names that node.
 */
import type { ResourceSample } from '../../../contract/metrics.ts';
import { levelOf, type MetricName, type Thresholds } from '../../../contract/thresholds.ts';
import { Gauge } from '../../components/gauge.tsx';

const RESOURCES: { key: 'cpuPercent' | 'memoryPercent' | 'diskIoPercent' | 'networkPercent'; label: string }[] = [
  { key: 'cpuPercent', label: 'CPU' },
  { key: 'memoryPercent', label: 'Memory' },
  { key: 'diskIoPercent', label: 'Disk I/O' },
  { key: 'networkPercent', label: 'Network' },
];

/** The newest sample of each node. */
export function latestPerNode(samples: readonly ResourceSample[]): ResourceSample[] {
  const latest = new Map<string, ResourceSample>();
  for (const s of samples) {
    const cur = latest.get(s.nodeId);
    if (!cur || cur.at < s.at) latest.set(s.nodeId, s);
  }
  return [...latest.values()];
}

/** Four gauges over the latest samples. */
export function ResourceGauges({ samples, thresholds }: { samples: readonly ResourceSample[] | undefined; thresholds: Thresholds }) {
  const latest = latestPerNode(samples ?? []);
  return (
    <div className="gauges">
      {RESOURCES.map((r) => {
        const busiest = latest.reduce<ResourceSample | null>((m, s) => (!m || s[r.key] > m[r.key] ? s : m), null);
        const value = busiest ? busiest[r.key] : null;
        return (
          <Gauge
            key={r.key}
            label={r.label}
            value={value}
            level={value === null ? 'good' : levelOf(value, thresholds[r.key as MetricName])}
            note={busiest ? (latest.length > 1 ? `busiest: ${busiest.host}` : busiest.host) : samples ? 'no online node' : undefined}
          />
        );
      })}
    </div>
  );
}
