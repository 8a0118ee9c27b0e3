/** The Queues page: per cluster in view, its queues and its maintenance windows. */
import { PageHeader } from '../../components/panel.tsx';
import { EmptyState } from '../../components/states.tsx';
import { useScope } from '../../components/use-scope.ts';
import { CapacityPanel } from './capacity-panel.tsx';
import { MaintenanceWindows } from './maintenance-windows.tsx';
import { QueueLoadPanel } from './queue-load-panel.tsx';
import { QueueTable } from './queue-table.tsx';

/** The Queues page. */
export function QueuesPage() {
  const scope = useScope();
  return (
    <div className="page">
      <PageHeader title="Queues" subtitle="One queue per job type. Pause a queue to hold its pending jobs; concurrency is per worker node." />
      {scope.clusters.length === 0 ? <EmptyState title="No cluster is configured." hint="Add one under Clusters." /> : null}
      {scope.clusters.map((c) => (
        <div key={c.id} className="page-section">
          <QueueTable cluster={c} />
          <QueueLoadPanel cluster={c} />
          <CapacityPanel cluster={c} />
          <MaintenanceWindows cluster={c} />
        </div>
      ))}
    </div>
  );
}
