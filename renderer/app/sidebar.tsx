/** The sidebar: the sections, the current one marked for assistive tech too. */
import type { Section } from './router.ts';
import { sectionHref } from './router.ts';
import { SECTION_ORDER } from './use-shortcuts.ts';

export const SECTION_LABELS: Record<Section, string> = {
  dashboard: 'Dashboard',
  jobs: 'Jobs',
  failures: 'Failures',
  queues: 'Queues',
  workers: 'Workers & Resources',
  schedules: 'Schedules',
  reports: 'Reports',
  alerts: 'Alerts',
  clusters: 'Clusters',
  settings: 'Settings',
};

const ICONS: Record<Section, string> = {
  dashboard: 'M3 3h7v9H3zM14 3h7v5h-7zM14 12h7v9h-7zM3 16h7v5H3z',
  jobs: 'M4 6h16M4 12h16M4 18h10',
  failures: 'M12 3l9 16H3zM12 10v4M12 17h.01',
  queues: 'M4 5h16v4H4zM4 11h16v4H4zM4 17h10v3H4z',
  workers: 'M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01',
  schedules: 'M12 7v5l3 2M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z',
  reports: 'M6 3h9l4 4v14H6zM9 13h2v5H9zM13 10h2v8h-2z',
  alerts: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0',
  clusters: 'M12 3l8 4.5v9L12 21l-8-4.5v-9z',
  settings: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3',
};

/** The application's navigation. */
export function Sidebar({ current }: { current: Section }) {
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">σ</span>
        <span className="brand-text">
          Sigmatiq <strong>Admin Jobs</strong>
        </span>
      </div>
      <ul className="nav-list">
        {SECTION_ORDER.map((s, i) => (
          <li key={s}>
            <a href={sectionHref(s)} className="nav-link" aria-current={s === current ? 'page' : undefined} title={`${SECTION_LABELS[s]} (Alt+${i + 1})`}>
              <svg viewBox="0 0 24 24" className="nav-icon" aria-hidden="true">
                <path d={ICONS[s]} />
              </svg>
              {SECTION_LABELS[s]}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        <kbd>/</kbd> search · <kbd>n</kbd> new job · <kbd>Alt</kbd>+<kbd>0-9</kbd>
      </div>
    </nav>
  );
}
