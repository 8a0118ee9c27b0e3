/**
 * The ready line a cluster prints on stdout once it listens (`sigmatiq-cluster serve`), one JSON
 * object: `{"event":"ready","url":"http://127.0.0.1:41234","token":"sqt_…"|null,…}`. Whoever starts
 * a cluster as a process (the shells' launchers, tests) reads where it is from this line.
 */

export interface ReadyLine {
  url: string;
  token: string | null;
}

/** The ready line's url and token, or null for any other output line. */
export function parseReadyLine(line: string): ReadyLine | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value = JSON.parse(trimmed) as { event?: unknown; url?: unknown; token?: unknown };
    if (value.event !== 'ready' || typeof value.url !== 'string') return null;
    new URL(value.url);
    return { url: value.url, token: typeof value.token === 'string' ? value.token : null };
  } catch {
    return null;
  }
}
