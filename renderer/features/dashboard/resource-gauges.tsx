/**
 * Resource gauges — CPU, Memory, Disk I/O, Network — Normal / High / Action Needed. Each node's
 * latest sample is rated by its own cluster's thresholds (the cluster decides levels; the desktop
 * combines them, worst first): a gauge shows the node in the worst state, the busiest among equals,
 * and names it.
 */
import type { ResourceSample } from '../../../contract/metrics.ts';
import { LEVELS, levelOf, type MetricName, type Thresholds } from '../../../contract/thresholds.ts';
import { Gauge } from '../../components/gauge.tsx';

const RESOURCES: { key: 'cpuPercent' | 'memoryPercent' | 'diskIoPercent' | 'networkPercent'; label: string }[] = [
  { key: 'cpuPercent', label: 'CPU' },
  { key: 'memoryPercent', label: 'Memory' },
  { key: 'diskIoPercent', label: 'Disk I/O' },
  { key: 'networkPercent', label: 'Network' },
];

/** One cluster's resource samples. */
export interface ClusterSample {
  clusterId: string;
  samples: readonly ResourceSample[];
}

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
export function ResourceGauges({ samples, thresholdsOf }: { samples: readonly ClusterSample[] | undefined; thresholdsOf: (clusterId: string) => Thresholds }) {
  const latest = (samples ?? []).flatMap(({ clusterId, samples: mine }) => latestPerNode(mine).map((sample) => ({ clusterId, sample })));
  return (
    <div className="gauges">
      {RESOURCES.map((r) => {
        const rated = latest.map(({ clusterId, sample }) => ({ sample, level: levelOf(sample[r.key], thresholdsOf(clusterId)[r.key as MetricName]) }));
        const worst = rated.reduce<(typeof rated)[number] | null>((m, x) => {
          if (!m) return x;
          const byLevel = LEVELS.indexOf(x.level) - LEVELS.indexOf(m.level);
          return byLevel > 0 || (byLevel === 0 && x.sample[r.key] > m.sample[r.key]) ? x : m;
        }, null);
        return (
          <Gauge
            key={r.key}
            label={r.label}
            value={worst ? worst.sample[r.key] : null}
            level={worst ? worst.level : 'good'}
            note={worst ? (latest.length > 1 ? `worst: ${worst.sample.host}` : worst.sample.host) : samples ? 'no online node' : undefined}
          />
        );
      })}
    </div>
  );
}
