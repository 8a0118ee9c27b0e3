/**
 * Reconnect delays: capped exponential backoff with full jitter (AWS architecture blog,
 * "Exponential Backoff And Jitter"): attempt n waits a uniform random time in
 * [0, min(cap, base·2ⁿ)], so many desktops reconnecting to a restarted cluster spread out instead
 * of arriving together.
 */

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/** The upper bound of the wait before attempt `attempt` (0-based). */
export function backoffCeiling(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  // 2^attempt overflows to Infinity past ~1023; min() keeps the cap either way.
  return Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 60));
}

/** The wait before attempt `attempt`: uniform in [0, ceiling]. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const random = options.random ?? Math.random;
  return Math.floor(random() * (backoffCeiling(attempt, options) + 1));
}
