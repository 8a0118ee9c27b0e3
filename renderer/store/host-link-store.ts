/**
 * Whether the page is still connected to the process that serves its data. In browser mode that is
 * the admin host: its event stream drops the moment the host stops, and from then on everything on
 * screen is only the last known state. In the desktop app the link is always up.
 *
 * - `up`: the event stream is open (or has not failed yet).
 * - `lost`: the stream dropped and the host does not answer (stopped, crashed).
 * - `refused`: something answers but refuses this page's session (a restarted host has a new token).
 */
import { create } from 'zustand';

export type HostLink = 'up' | 'lost' | 'refused';

export interface HostLinkState {
  link: HostLink;
  /** When the link went down (ms since epoch); null while up. */
  lostAt: number | null;
  setLink(link: HostLink, at?: number): void;
}

export const useHostLink = create<HostLinkState>((set) => ({
  link: 'up',
  lostAt: null,
  setLink: (link, at = Date.now()) =>
    set((s) => (s.link === link ? s : { link, lostAt: link === 'up' ? null : (s.lostAt ?? at) })),
}));
