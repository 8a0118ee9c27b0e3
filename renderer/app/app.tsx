/** The application shell. Screens arrive with the admin UI issue. */
export function App() {
  return (
    <main>
      <h1>Sigmatiq Admin Jobs</h1>
    </main>
  );
}
