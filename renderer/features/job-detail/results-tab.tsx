/**
 * The Results tab: where the output is, the metrics computed, the files written (each downloadable
 * through the cluster API, so the admin needs no access to the cluster's disk), and next steps.
 */
import type { CachedJobDetail } from '../../../contract/admin-api.ts';
import type { JobOutput } from '../../../contract/jobs.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { ActionButton } from '../../components/action-button.tsx';
import { downloadBase64 } from '../../components/download.ts';
import { formatBytes, humanize } from '../../components/format.ts';
import { showDirectionControls } from '../../components/display-text.ts';

/** The folder common to all output files, shown as the output location. */
export function commonFolder(locations: readonly string[]): string | null {
  if (locations.length === 0) return null;
  const split = locations.map((l) => l.split('/'));
  const first = split[0]!;
  let n = first.length - 1;
  for (const parts of split) {
    let i = 0;
    while (i < n && parts[i] === first[i]) i++;
    n = i;
  }
  return n > 0 ? `${first.slice(0, n).join('/')}/` : locations[0]!;
}

function metricText(k: string, v: unknown): string {
  if (typeof v === 'number') {
    if (/rate|return|drawdown|ratio|cagr|accuracy|split/i.test(k) && Math.abs(v) <= 1.5) return `${(v * 100).toFixed(1)}%`;
    if (Number.isInteger(v) || Math.abs(v) >= 1000) return v.toLocaleString(undefined, { maximumFractionDigits: 2 });
    return v.toFixed(3);
  }
  return v === null ? '—' : String(v);
}

/** Fetches one output file through the cluster API and saves it. */
function DownloadButton({ job, output }: { job: CachedJobDetail; output: JobOutput }) {
  const api = useAdminApi();
  return (
    <ActionButton
      small
      label="Download"
      ariaLabel={`Download ${output.name}`}
      feedbackTitle={`Downloading ${output.name}`}
      run={async () => {
        const file = await api.downloadJobFile(job.clusterId, job.id, output.name);
        downloadBase64(file.filename, file.mimeType, file.contentBase64);
        return `Saved ${file.filename}.`;
      }}
    />
  );
}

/** The Results tab. */
export function ResultsTab({ job }: { job: CachedJobDetail }) {
  const r = job.result;
  if (!r) {
    const why =
      job.state === 'failed'
        ? 'The job failed, so it produced no results. See the Progress tab for the error.'
        : job.state === 'cancelled'
          ? 'The job was cancelled before it produced results.'
          : 'Results appear here when the job completes.';
    return <p className="muted results-empty">{why}</p>;
  }
  const folder = commonFolder(r.outputs.map((o) => o.location));
  const metrics = Object.entries(r.metrics);
  return (
    <div className="detail-grid">
      <section className="detail-section" aria-label="Output location">
        <h3>Output location</h3>
        {folder ? <code className="path">{folder}</code> : <p className="muted">This job wrote no files.</p>}
      </section>
      <section className="detail-section" aria-label="Metrics">
        <h3>Metrics</h3>
        {metrics.length ? (
          <div className="metric-grid">
            {metrics.map(([k, v]) => (
              <div key={k} className="metric-cell">
                <div className="metric-label">{humanize(k)}</div>
                <div className="metric-value num">{metricText(k, v)}</div>
              </div>
            ))}
          </div>
        ) : (
          <p className="muted">No metrics.</p>
        )}
      </section>
      <section className="detail-section span-all" aria-label="Files created">
        <h3>Files created</h3>
        {r.outputs.length ? (
          <table className="grid" aria-label="Files created">
            <colgroup>
              <col style={{ width: '26%' }} />
              <col style={{ width: '10%' }} />
              <col style={{ width: '12%' }} />
              <col />
              <col style={{ width: '120px' }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col" className="align-right">
                  Size
                </th>
                <th scope="col">Location</th>
                <th scope="col">
                  <span className="sr-only">Download</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {r.outputs.map((o) => (
                <tr key={o.location}>
                  <td>{showDirectionControls(o.name)}</td>
                  <td>{o.kind?.toUpperCase() ?? '—'}</td>
                  <td className="align-right num">{formatBytes(o.bytes)}</td>
                  <td className="mono" title={o.location}>
                    {o.location}
                  </td>
                  <td>
                    <DownloadButton job={job} output={o} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No files.</p>
        )}
      </section>
      {r.table ? (
        <section className="detail-section span-all" aria-label="Result table">
          <h3>Ranked results</h3>
          <div className="table-wrap">
            <table className="grid" aria-label="Ranked results">
              <thead>
                <tr>
                  {r.table.columns.map((c) => (
                    <th key={c} scope="col">
                      {humanize(c)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.table.rows.slice(0, 50).map((row, i) => (
                  <tr key={i}>
                    {row.map((v, j) => (
                      <td key={j} className="num">
                        {metricText(r.table!.columns[j] ?? '', v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <section className="detail-section span-all" aria-label="Next steps">
        <h3>Next steps</h3>
        {r.nextSteps.length ? (
          <ul className="next-steps">
            {r.nextSteps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">Nothing suggested.</p>
        )}
      </section>
    </div>
  );
}
