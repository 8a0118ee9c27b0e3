export function ClustersPage() {
  return <div className="page">ClustersPage</div>;
}
