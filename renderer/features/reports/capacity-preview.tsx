/**
 * The performance report's Capacity section in the preview, as the PDF has it: per queue whether
 * it needs more capacity and its signals in short, then the reasons in words.
 */
import type { CapacitySignals, FailureTrendSignal, QueueCapacity } from '../../../contract/capacity.ts';

const share = (v: number | null) => (v === null ? 'no history' : `${Math.round(v * 100)}%`);
const rate = (n: number) => (n === 0 ? '0' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const trend = (s: FailureTrendSignal) => (s.value === null ? 'no history' : `${rate(s.recentPerDay)} (before ${rate(s.earlierPerDay ?? 0)})${s.increasing ? ' · increasing' : ''}`);
const signalsOf = (q: QueueCapacity) => [q.waiting, q.waitsOverThreshold, q.timeouts, q.limitExceeded];

export function CapacityPreview({ capacity }: { capacity: CapacitySignals }) {
  const several = new Set(capacity.queues.map((q) => q.clusterId)).size > 1;
  const rows = [...capacity.queues].sort((a, b) => Number(b.moreCapacityNeeded) - Number(a.moreCapacityNeeded));
  const reasons = rows.flatMap((q) => signalsOf(q).filter((s) => s.moreCapacityNeeded).map((s) => (several ? `${q.clusterId}: ${s.sentence}` : s.sentence)));
  return (
    <>
      <h3 className="report-section">Capacity</h3>
      {!capacity.enoughHistory ? (
        <p className="muted">{capacity.note}</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="grid report-table" aria-label="Capacity">
              <thead>
                <tr>
                  {several ? <th scope="col">Cluster</th> : null}
                  <th scope="col">Type</th>
                  <th scope="col">Capacity</th>
                  <th scope="col">Hours waiting</th>
                  <th scope="col">Long waits</th>
                  <th scope="col">Timeouts a day</th>
                  <th scope="col">Limit exceeded a day</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((q) => (
                  <tr key={`${q.clusterId}/${q.type}`}>
                    {several ? <td>{q.clusterId}</td> : null}
                    <td>{q.type}</td>
                    <td>{q.moreCapacityNeeded ? 'More needed' : signalsOf(q).every((s) => s.value === null) ? 'no history' : 'Enough'}</td>
                    <td className="num">{share(q.waiting.value)}</td>
                    <td className="num">{share(q.waitsOverThreshold.value)}</td>
                    <td className="num">{trend(q.timeouts)}</td>
                    <td className="num">{trend(q.limitExceeded)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {reasons.length > 0 ? (
            <ul aria-label="Why more capacity is needed">
              {reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : (
            <p>No queue shows a sign of needing more capacity over this period.</p>
          )}
          <p className="muted">{capacity.note}</p>
        </>
      )}
    </>
  );
}
