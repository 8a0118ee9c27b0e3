/**
 * What a failure group has in common: the config values, users, nodes and hours that are far more
 * frequent among the group's jobs than among the same type's completed jobs. Each finding is a
 * plain count an admin can check ("lags ≥ 100 in 100% of these vs 2% of completed jobs"): a value
 * is reported when at least `minSupport` jobs and `minShare` of the group have it, its share in
 * the group is `minLift` times its share among completed jobs (smoothed, so an empty baseline does
 * not divide by zero), and the shares differ by at least `minDifference`.
 */

/** One job as the comparison needs it. */
export interface JobFacts {
  config: Record<string, unknown>;
  user: string;
  /** Worker node that ran it, when known. */
  node?: string | null;
  /** Hour of day it failed or finished, 0–23 (in the admin's time zone). */
  hour?: number | null;
}

export type FindingDimension = 'config' | 'user' | 'node' | 'hour';

export interface InCommonFinding {
  dimension: FindingDimension;
  /** The config key (dotted for nested values), or the dimension's name. */
  key: string;
  /** The value as a condition: `lags ≥ 100`, `strategy = momentum`, `symbols include ZZQX`. */
  condition: string;
  groupCount: number;
  groupTotal: number;
  baselineCount: number;
  baselineTotal: number;
  /** The finding as a sentence with its counts. */
  text: string;
}

export interface InCommonOptions {
  minSupport: number;
  minShare: number;
  minLift: number;
  minDifference: number;
  /** How the completed jobs are named in the text ("completed trainings"). */
  baselineName: string;
  maxFindings: number;
}

export const DEFAULT_IN_COMMON_OPTIONS: InCommonOptions = {
  minSupport: 3,
  minShare: 0.5,
  minLift: 2,
  minDifference: 0.3,
  baselineName: 'completed jobs',
  maxFindings: 10,
};

/** A yes/no question about a job, with the words for it. */
interface Predicate {
  dimension: FindingDimension;
  key: string;
  condition: string;
  test: (job: JobFacts) => boolean;
}

/** The largest of 1, 2, 2.5, 5 × 10^k at or below `x` (x > 0): a threshold that reads well. */
export function niceFloor(x: number): number {
  if (!(x > 0)) return x;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [5, 2.5, 2, 1]) if (m * power <= x) return m * power;
  return power;
}

/** Config values flattened to dotted keys (one level of nesting is enough for job configs). */
function flatten(config: Record<string, unknown>, prefix = '', depth = 0): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(config)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 1) out.push(...flatten(v as Record<string, unknown>, key, depth + 1));
    else out.push([key, v]);
  }
  return out;
}

function configValue(job: JobFacts, key: string): unknown {
  let v: unknown = job.config;
  for (const part of key.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(3)));
}

/** The questions worth asking of this group: built from the values its own jobs have. */
function predicatesFor(group: readonly JobFacts[]): Predicate[] {
  const predicates: Predicate[] = [];
  const seen = new Set<string>();
  const add = (p: Predicate) => {
    const id = `${p.dimension}\u001f${p.condition}`;
    if (!seen.has(id)) {
      seen.add(id);
      predicates.push(p);
    }
  };
  const numbers = new Map<string, number[]>();
  for (const job of group) {
    for (const [key, value] of flatten(job.config)) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        numbers.set(key, [...(numbers.get(key) ?? []), value]);
        add({ dimension: 'config', key, condition: `${key} = ${formatNumber(value)}`, test: (j) => configValue(j, key) === value });
      } else if (typeof value === 'string' || typeof value === 'boolean') {
        add({ dimension: 'config', key, condition: `${key} = ${String(value)}`, test: (j) => configValue(j, key) === value });
      } else if (Array.isArray(value)) {
        for (const item of value) {
          if (typeof item !== 'string' && typeof item !== 'number') continue;
          add({ dimension: 'config', key, condition: `${key} include ${item}`, test: (j) => (configValue(j, key) as unknown[] | undefined)?.includes?.(item) === true });
        }
        numbers.set(`${key}.length`, [...(numbers.get(`${key}.length`) ?? []), value.length]);
      }
    }
    add({ dimension: 'user', key: 'user', condition: job.user, test: (j) => j.user === job.user });
    if (job.node) add({ dimension: 'node', key: 'node', condition: job.node, test: (j) => j.node === job.node });
    if (job.hour !== null && job.hour !== undefined) add({ dimension: 'hour', key: 'hour', condition: String(job.hour), test: (j) => j.hour === job.hour });
  }
  // A numeric value is also asked as a range: at or above the group's low end, at or below its high end.
  for (const [key, values] of numbers) {
    const sorted = [...values].sort((a, b) => a - b);
    const low = sorted[Math.floor((sorted.length - 1) * 0.1)]!;
    const high = sorted[Math.ceil((sorted.length - 1) * 0.9)]!;
    const read = (j: JobFacts): number | undefined => {
      const v = key.endsWith('.length') ? (configValue(j, key.slice(0, -'.length'.length)) as unknown[] | undefined)?.length : configValue(j, key);
      return typeof v === 'number' ? v : undefined;
    };
    const label = key.endsWith('.length') ? `${key.slice(0, -'.length'.length)} count` : key;
    const floor = low > 0 ? niceFloor(low) : low;
    add({ dimension: 'config', key, condition: `${label} ≥ ${formatNumber(floor)}`, test: (j) => (read(j) ?? -Infinity) >= floor });
    add({ dimension: 'config', key, condition: `${label} ≤ ${formatNumber(high)}`, test: (j) => (read(j) ?? Infinity) <= high });
  }
  return predicates;
}

function percent(count: number, total: number): string {
  return total === 0 ? '0%' : `${Math.round((100 * count) / total)}%`;
}

function sentence(p: Predicate, k: number, n: number, m: number, total: number, baselineName: string): string {
  const vs = total === 0 ? `no ${baselineName} to compare` : `vs ${percent(m, total)} of ${baselineName}`;
  const share = k === n ? 'all' : `${k} of ${n}`;
  switch (p.dimension) {
    case 'user':
      return `${share} from ${p.condition} (${vs})`;
    case 'node':
      return `${share} on node ${p.condition} (${vs})`;
    case 'hour':
      return `${share} between ${p.condition.padStart(2, '0')}:00 and ${String((Number(p.condition) + 1) % 24).padStart(2, '0')}:00 (${vs})`;
    default:
      return total === 0 ? `${p.condition} in ${percent(k, n)} of these (${k} of ${n}; ${vs})` : `${p.condition} in ${percent(k, n)} of these (${k} of ${n}) ${vs}`;
  }
}

/** The over-represented values of `group` compared with `baseline`, strongest first. */
export function findInCommon(group: readonly JobFacts[], baseline: readonly JobFacts[], options: Partial<InCommonOptions> = {}): InCommonFinding[] {
  const o = { ...DEFAULT_IN_COMMON_OPTIONS, ...options };
  const n = group.length;
  const total = baseline.length;
  if (n === 0) return [];
  const findings: (InCommonFinding & { score: number })[] = [];
  for (const p of predicatesFor(group)) {
    const k = group.filter(p.test).length;
    if (k < o.minSupport || k / n < o.minShare) continue;
    const m = baseline.filter(p.test).length;
    const groupShare = k / n;
    // Add-one smoothing: with no completed jobs at all the baseline share reads as 1 / (total + 2).
    const baselineShare = (m + 1) / (total + 2);
    if (groupShare / baselineShare < o.minLift || groupShare - m / Math.max(total, 1) < o.minDifference) continue;
    findings.push({
      dimension: p.dimension,
      key: p.key,
      condition: p.condition,
      groupCount: k,
      groupTotal: n,
      baselineCount: m,
      baselineTotal: total,
      text: sentence(p, k, n, m, total, o.baselineName),
      score: groupShare - baselineShare,
    });
  }
  findings.sort((a, b) => b.score - a.score || b.groupCount - a.groupCount || a.condition.localeCompare(b.condition));
  // One finding per key: the range or value that separates the group best.
  const perKey = new Set<string>();
  const kept: InCommonFinding[] = [];
  for (const { score: _score, ...f } of findings) {
    const id = `${f.dimension}\u001f${f.key}`;
    if (perKey.has(id) && f.dimension === 'config') continue;
    perKey.add(id);
    kept.push(f);
    if (kept.length >= o.maxFindings) break;
  }
  return kept;
}
