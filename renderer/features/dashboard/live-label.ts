/**
 * The dashboard's subtitle: whether what it shows is live. "Live" is only true while the page is
 * linked to its host and at least one cluster in view is online; otherwise the figures are the
 * last known ones and the subtitle says so and from when.
 */
import type { HostLink } from '../../store/host-link-store.ts';
import { formatTime } from '../../components/format.ts';

export interface LiveLabelInput {
  /** When the summary was last fetched (ms since epoch), or null before the first answer. */
  updatedAt: number | null;
  hostLink: HostLink;
  clustersInView: number;
  clustersOnline: number;
}

/** The subtitle text for the dashboard header. */
export function liveLabel({ updatedAt, hostLink, clustersInView, clustersOnline }: LiveLabelInput): string {
  if (updatedAt === null) return 'Loading…';
  const at = formatTime(new Date(updatedAt).toISOString());
  if (hostLink !== 'up') return `Not live: the admin host is unreachable · last known as of ${at}`;
  if (clustersInView > 0 && clustersOnline === 0) return `Not live: no cluster in view is online · cached as of ${at}`;
  return `Live · updated ${at}`;
}
