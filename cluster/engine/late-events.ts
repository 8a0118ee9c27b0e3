/**
 * LateEventWatch: which part of a PostgreSQL event stream a recorder has read past but may still
 * gain events.
 *
 * BullMQ's PostgreSQL backend takes event ids from a sequence and its readers read `id > cursor`.
 * A transaction takes its id when it appends and becomes visible when it commits, so id N can
 * commit after N+1 was read: a reader that moved past N never sees it. Re-reading a fixed window
 * behind the cursor would either cost a lot (a wide window, every read) or miss a slow commit (a
 * narrow one). The snapshot says when to stop instead: every event below a read's last id had its
 * id before the read, so its transaction is either finished or running by then; once a later
 * snapshot shows no transaction older than the read's snapshot still running (its xmin reached
 * the read's xmax), a re-read in that snapshot saw all of them, and the range is closed.
 *
 * An append takes its id a moment before its transaction gets an xid (both in one INSERT), so a
 * range also stays open for SETTLE_MS. A range left open longer than GIVE_UP_MS (a transaction
 * held open for minutes, anywhere on the server) is dropped: reconciliation corrects what it hid.
 */

/** How long a range stays open at least (an append between its id and its transaction id). */
export const SETTLE_MS = 1_000;
/** How long a range stays open at most. */
export const GIVE_UP_MS = 60_000;
/**
 * Ids a re-read skips at most (sent with every re-read): when a long transaction keeps ranges open
 * through a burst, the oldest ranges are given up first.
 */
export const MAX_SEEN = 10_000;
/**
 * Ids behind its position a recorder re-reads when it starts: the ranges the recorder before it
 * may have left open (a second or two of events in ordinary operation; ids are shared by all
 * queues). Events found there that were recorded already are skipped by their dedup keys.
 */
export const RESUME_IDS = 2_000n;

interface OpenRange {
  /** Exclusive lower bound (the cursor before the read). */
  after: bigint;
  upTo: bigint;
  readAt: number;
  /** xmax of the first snapshot taken after the read; null until a re-read took one. */
  xmax: bigint | null;
}

export class LateEventWatch {
  private ranges: OpenRange[] = [];
  /** Event ids read in the open ranges (a re-read skips them). */
  private seen = new Set<bigint>();

  /** Entries `ids` were read after `after`. */
  noteRead(after: string, ids: string[], now: number): void {
    if (ids.length === 0) return;
    for (const id of ids) this.seen.add(BigInt(id));
    this.ranges.push({ after: BigInt(after), upTo: BigInt(ids.at(-1)!), readAt: now, xmax: null });
    while (this.seen.size > MAX_SEEN && this.ranges.length > 1) {
      this.ranges.shift();
      this.forgetBelowRanges();
    }
  }

  /** A recorder resumes at `position`: what it did not see just behind may have committed since. */
  noteResume(position: string, now: number): void {
    const upTo = BigInt(position);
    if (upTo <= 0n) return;
    this.ranges.push({ after: upTo > RESUME_IDS ? upTo - RESUME_IDS : 0n, upTo, readAt: now, xmax: null });
  }

  /** What to re-read: events in (after, upTo] except `seen`; null when nothing is open. */
  pending(): { after: string; upTo: string; seen: string[] } | null {
    if (this.ranges.length === 0) return null;
    return { after: String(this.ranges[0]!.after), upTo: String(this.ranges.at(-1)!.upTo), seen: [...this.seen].map(String) };
  }

  /** A re-read of `pending()` found `ids`, in a snapshot with `xmin`/`xmax`: closes what it can. */
  reread(ids: string[], xmin: bigint, xmax: bigint, now: number): void {
    for (const id of ids) this.seen.add(BigInt(id));
    for (const r of this.ranges) r.xmax ??= xmax;
    while (this.ranges.length > 0) {
      const r = this.ranges[0]!;
      const complete = xmin >= r.xmax! && now - r.readAt >= SETTLE_MS;
      if (!complete && now - r.readAt < GIVE_UP_MS) break;
      this.ranges.shift();
    }
    this.forgetBelowRanges();
  }

  private forgetBelowRanges(): void {
    const floor = this.ranges[0]?.after;
    if (floor === undefined) this.seen.clear();
    else for (const id of this.seen) if (id <= floor) this.seen.delete(id);
  }

  get open(): boolean {
    return this.ranges.length > 0;
  }
}
