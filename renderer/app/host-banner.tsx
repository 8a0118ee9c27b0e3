/**
 * The banner shown when the page has lost the admin host that serves its data (browser mode): its
 * event stream dropped, so nothing on screen updates any more. It says so at once, from when the
 * data is, and what to do; the shell marks the content as last known meanwhile.
 */
import { formatFullTime, formatTime } from '../components/format.ts';
import { useHostLink } from '../store/host-link-store.ts';

export function HostBanner() {
  const link = useHostLink((s) => s.link);
  const lostAt = useHostLink((s) => s.lostAt);
  if (link === 'up') return null;
  const since = lostAt === null ? null : new Date(lostAt).toISOString();
  return (
    <div className="banner banner-host-gone" role="alert">
      <strong>{link === 'refused' ? 'The admin host was restarted: this page’s session has ended.' : 'The admin host stopped.'}</strong>{' '}
      What you see is from{' '}
      <time dateTime={since ?? undefined} title={formatFullTime(since)}>
        {formatTime(since)}
      </time>{' '}
      and may be out of date.{' '}
      {link === 'refused' ? (
        <>Open the URL the host printed (the line <code>open: http://127.0.0.1:…/?token=…</code>); it carries the new session.</>
      ) : (
        <>
          Restart <code>npm start</code> (or <code>sigmatiq-admin serve</code>) and open the URL it prints. This page reconnects by itself if
          the same host comes back.
        </>
      )}
    </div>
  );
}
