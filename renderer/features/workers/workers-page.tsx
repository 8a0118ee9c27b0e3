export function WorkersPage() {
  return <div className="page">WorkersPage</div>;
}
