/** What route groups share: the server's identity and the empty answer. */
import type { DEFAULT_STUCK_AFTER_MS } from '../../../contract/thresholds.ts';

/** What route groups know about the server they belong to. */
export interface ServerInfo {
  name: string;
  version: string;
  capabilities: string[];
  stuckAfterMs: number | typeof DEFAULT_STUCK_AFTER_MS;
}

/** An empty 204 answer. */
export const NO_CONTENT = { status: 204, body: undefined } as const;
