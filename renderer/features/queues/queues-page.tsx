export function QueuesPage() {
  return <div className="page">QueuesPage</div>;
}
