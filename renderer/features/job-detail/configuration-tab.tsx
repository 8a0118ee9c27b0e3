/**
 * The Configuration tab: the job's config in words, grouped as admins look for it — input parameters,
 * model settings, date ranges, options — with the raw JSON one click away.
 */
import type { ReactNode } from 'react';
import { STRATEGY_LABELS } from '../../../contract/job-configs.ts';
import { humanize } from '../../components/format.ts';

const GROUPS: { title: string; keys: readonly string[] }[] = [
  { title: 'Input parameters', keys: ['symbols', 'capital', 'costBps', 'matrixJobId', 'sourceJobId', 'kind', 'features', 'horizonDays'] },
  { title: 'Model settings', keys: ['strategy', 'params', 'grid', 'rankBy', 'model', 'epochs', 'learningRate', 'l2', 'validationSplit'] },
  { title: 'Date ranges', keys: ['start', 'end', 'asOf', 'sinceHours'] },
];

const UNITS: Record<string, string> = { costBps: 'bps', sinceHours: 'hours', horizonDays: 'trading days', epochDelayMs: 'ms', fastWindow: 'days', slowWindow: 'days', lookback: 'days' };

/** A config value in words: lists as chips, nested objects as sub-lists, known codes as labels. */
export function ConfigValue({ name, value }: { name: string; value: unknown }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    return (
      <span className="chips-inline">
        {value.map((v, i) => (
          <span key={i} className="tag">
            {String(v)}
          </span>
        ))}
      </span>
    );
  }
  if (typeof value === 'object') {
    return (
      <dl className="kv kv-nested">
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <div key={k} className="kv-row">
            <dt>{humanize(k)}</dt>
            <dd>
              <ConfigValue name={k} value={v} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  if (name === 'strategy' && typeof value === 'string') return <>{STRATEGY_LABELS[value as keyof typeof STRATEGY_LABELS] ?? value}</>;
  if (name === 'capital' && typeof value === 'number') return <span className="num">{value.toLocaleString()}</span>;
  if (typeof value === 'boolean') return <>{value ? 'Yes' : 'No'}</>;
  const unit = UNITS[name];
  return (
    <span className="num">
      {String(value)}
      {unit ? ` ${unit}` : ''}
    </span>
  );
}

/** Groups a config's keys; anything not named in a group lands in Options. */
export function groupConfig(config: Record<string, unknown>): { title: string; entries: [string, unknown][] }[] {
  const used = new Set<string>();
  const groups = GROUPS.map((g) => {
    const entries = g.keys.filter((k) => k in config).map((k): [string, unknown] => {
      used.add(k);
      return [k, config[k]];
    });
    return { title: g.title, entries };
  });
  groups.push({ title: 'Options', entries: Object.entries(config).filter(([k]) => !used.has(k)) });
  return groups.filter((g) => g.entries.length > 0);
}

/** The Configuration tab. */
export function ConfigurationTab({ config }: { config: Record<string, unknown> }) {
  const groups = groupConfig(config);
  return (
    <div className="detail-grid">
      {groups.length === 0 ? <p className="muted">This job has no configuration: it runs with its type's defaults.</p> : null}
      {groups.map((g) => (
        <section key={g.title} className="detail-section" aria-label={g.title}>
          <h3>{g.title}</h3>
          <dl className="kv">
            {g.entries.map(([k, v]) => (
              <div key={k} className="kv-row">
                <dt>{humanize(k)}</dt>
                <dd>
                  <ConfigValue name={k} value={v} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <details className="raw-json span-all">
        <summary>Raw JSON</summary>
        <pre className="code">{JSON.stringify(config, null, 2)}</pre>
      </details>
    </div>
  );
}
