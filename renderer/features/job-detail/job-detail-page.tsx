export function JobDetailPage(_p: { clusterId: string; jobId: string; tab: string }) {
  return <div className="page">detail</div>;
}
