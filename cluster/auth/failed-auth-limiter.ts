/**
 * Failed authentications per source address, in fixed windows. Past the limit, requests from that
 * address without a valid token are refused (429) without further work.
 *
 * A valid token still passes from a limited address: tokens are 256-bit random, so guessing is not
 * what the limit prevents — it bounds the work and the audit records a flood of bad tokens causes,
 * and a legitimate client behind the same address (a proxy, the same machine) keeps working.
 */

export interface FailedAuthLimits {
  /** Failed authentications per address and window before refusing. */
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILED_AUTH_LIMITS: FailedAuthLimits = { max: 30, windowMs: 60_000 };

/** Addresses remembered at most; a flood from many addresses forgets the oldest windows first. */
const MAX_ADDRESSES = 10_000;

export type FailedAuthVerdict =
  | { limited: false }
  /** `first`: the first refusal of this window (worth one audit record). */
  | { limited: true; retryAfterMs: number; first: boolean };

export class FailedAuthLimiter {
  private readonly windows = new Map<string, { start: number; failures: number; refused: number }>();

  constructor(
    readonly limits: FailedAuthLimits = DEFAULT_FAILED_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Count one failed authentication from `address`; says whether it is now past the limit. */
  fail(address: string): FailedAuthVerdict {
    const t = this.now();
    let w = this.windows.get(address);
    if (!w || t - w.start >= this.limits.windowMs) {
      this.windows.delete(address);
      if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
      w = { start: t, failures: 0, refused: 0 };
      this.windows.set(address, w);
    }
    w.failures++;
    if (w.failures <= this.limits.max) return { limited: false };
    w.refused++;
    return { limited: true, retryAfterMs: w.start + this.limits.windowMs - t, first: w.refused === 1 };
  }
}

/** "60 seconds", "1 minute", "2 hours": a window length in words. */
export function describeWindow(ms: number): string {
  const units: Array<[number, string]> = [
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n === 1 ? '' : `${n} `}${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
