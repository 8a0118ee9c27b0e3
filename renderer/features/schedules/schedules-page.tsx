export function SchedulesPage() {
  return <div className="page">SchedulesPage</div>;
}
