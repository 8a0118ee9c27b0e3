/** Clusters: each configured cluster with its status and last error in words; add, edit, remove, resync; the local embedded cluster's switch. */
import { useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { ActionButton } from '../../components/action-button.tsx';
import { StatusDot } from '../../components/badges.tsx';
import { formatFullTime, formatRelative } from '../../components/format.ts';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { useClusters } from '../../components/use-clusters.ts';
import { runWithFeedback } from '../../store/toast-store.ts';
import { ClusterFormDialog } from './cluster-form-dialog.tsx';

/** The Clusters page. */
export function ClustersPage() {
  const q = useClusters();
  const [editing, setEditing] = useState<ClusterView | 'new' | null>(null);
  return (
    <div className="page">
      <PageHeader title="Clusters" subtitle="The Sigmatiq clusters this app manages. Job history of each is cached locally, so it stays browsable offline.">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          Add cluster
        </button>
      </PageHeader>
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={3} /> : null}
      {q.data?.length === 0 ? <EmptyState title="No cluster configured." hint="Add one, or switch on the local embedded cluster in Settings." /> : null}
      {q.data?.map((c) => (
        <ClusterCard key={c.id} cluster={c} onEdit={() => setEditing(c)} />
      ))}
      {editing ? <ClusterFormDialog cluster={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

/** Pull every job again over the cache: for a cache that seems to miss jobs. */
function ResyncButton({ cluster: c }: { cluster: ClusterView }) {
  const api = useAdminApi();
  return (
    <ActionButton
      small
      label="Resync"
      ariaLabel={`Resync cluster ${c.name}`}
      feedbackTitle={`Resyncing ${c.name}`}
      confirm={{
        title: `Resync ${c.name}?`,
        body: 'The app pulls every job of this cluster again and updates its cache: jobs the cache missed come back. Cached jobs stay visible meanwhile; on a big cluster this takes a while.',
        confirmLabel: 'Resync',
      }}
      run={async () => {
        const view = await api.resyncCluster(c.id);
        return view.status === 'online' ? `${c.name}: pulling every job again.` : `${c.name} is ${view.status}: it pulls every job again once it reconnects.`;
      }}
    />
  );
}

function ClusterCard({ cluster: c, onEdit }: { cluster: ClusterView; onEdit: () => void }) {
  const api = useAdminApi();
  return (
    <Panel
      title={
        <span className="cluster-title">
          <span className="cluster-swatch big" style={{ background: c.colour }} aria-hidden="true" />
          {c.name}
          {c.local ? <span className="tag">embedded</span> : null}
        </span>
      }
      actions={
        <>
          {c.status !== 'disabled' ? <ResyncButton cluster={c} /> : null}
          {c.local ? (
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={c.enabled && c.status !== 'disabled'}
              aria-label="Run the local embedded cluster"
              onChange={(e) => {
                const on = e.target.checked;
                void runWithFeedback(on ? 'Starting the local cluster' : 'Stopping the local cluster', async () => {
                  const r = await api.setLocalClusterEnabled(on);
                  return r ? `Local cluster: ${r.status}.` : 'Local cluster switched off.';
                });
              }}
            />
            <span>Local cluster {c.enabled && c.status !== 'disabled' ? 'on' : 'off'}</span>
          </label>
        ) : (
          <>
            <button type="button" className="btn btn-small" onClick={onEdit}>
              Edit
            </button>
            <ActionButton
              small
              label="Remove"
              ariaLabel={`Remove cluster ${c.name}`}
              feedbackTitle={`Removing ${c.name}`}
              confirm={{ title: `Remove ${c.name}?`, body: 'The app stops watching this cluster and deletes its cached job history. The cluster itself is not touched.', confirmLabel: 'Remove cluster' }}
              run={async () => {
                await api.removeCluster(c.id);
                return `${c.name} removed.`;
              }}
            />
          </>
        )}
        </>
      }
    >
      <dl className="kv cluster-kv">
        <div className="kv-row">
          <dt>Status</dt>
          <dd>
            <StatusDot status={c.status} />
          </dd>
        </div>
        {c.lastError ? (
          <div className="kv-row">
            <dt>Last error</dt>
            <dd className="text-crit">{c.lastError}</dd>
          </div>
        ) : null}
        <div className="kv-row">
          <dt>URL</dt>
          <dd className="mono">{c.url}</dd>
        </div>
        <div className="kv-row">
          <dt>Last sync</dt>
          <dd title={formatFullTime(c.lastSyncAt)}>{c.lastSyncAt ? formatRelative(c.lastSyncAt) : 'never'}</dd>
        </div>
        {c.info ? (
          <div className="kv-row">
            <dt>Cluster</dt>
            <dd>
              {c.info.name} · version {c.info.version} · {c.info.datastore} datastore · your role: {c.info.role}
            </dd>
          </div>
        ) : null}
      </dl>
    </Panel>
  );
}
