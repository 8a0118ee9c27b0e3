import type { Redis } from 'ioredis';
import type { SortKey } from './shared-store.ts';

/**
 * Walks several sorted sets as one, in score order then member order, from a keyset position.
 * Each refill reads at most `batch` members of one set, so every Redis call stays small.
 */
export class MergeScan {
  private readonly buffers: { key: string; items: { score: number; id: string }[]; done: boolean; last: SortKey | undefined }[];

  constructor(
    private readonly redis: Redis,
    keys: string[],
    private readonly desc: boolean,
    after: SortKey | undefined,
  ) {
    this.buffers = keys.map((key) => ({ key, items: [], done: false, last: after }));
  }

  private before(a: { score: number; id: string }, b: { score: number; id: string }): boolean {
    if (a.score !== b.score) return this.desc ? a.score > b.score : a.score < b.score;
    return this.desc ? a.id > b.id : a.id < b.id;
  }

  private async refill(buf: (typeof this.buffers)[number], want: number): Promise<void> {
    let offset = 0;
    for (;;) {
      const from = buf.last ? String(buf.last.k) : this.desc ? '+inf' : '-inf';
      const to = this.desc ? '-inf' : '+inf';
      const raw = this.desc
        ? await this.redis.zrevrangebyscore(buf.key, from, to, 'WITHSCORES', 'LIMIT', offset, want)
        : await this.redis.zrangebyscore(buf.key, from, to, 'WITHSCORES', 'LIMIT', offset, want);
      const items: { score: number; id: string }[] = [];
      for (let i = 0; i < raw.length; i += 2) items.push({ id: raw[i]!, score: Number(raw[i + 1]) });
      const last = buf.last;
      const fresh = last ? items.filter((it) => this.before({ score: last.k, id: last.id }, it)) : items;
      if (raw.length < want * 2 && fresh.length === 0) {
        buf.done = true;
        return;
      }
      if (fresh.length > 0) {
        buf.items.push(...fresh);
        const tail = fresh.at(-1)!;
        buf.last = { k: tail.score, id: tail.id };
        if (raw.length < want * 2) buf.done = true;
        return;
      }
      // A whole batch of equal scores at or before the position: skip past it.
      offset += want;
    }
  }

  /** The next `n` members in order (fewer at the end). */
  async next(n: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < n) {
      // The sets that ran dry are read together: one round trip for all of them, not one each.
      await Promise.all(this.buffers.filter((buf) => buf.items.length === 0 && !buf.done).map((buf) => this.refill(buf, n - out.length)));
      let best: (typeof this.buffers)[number] | null = null;
      for (const buf of this.buffers) {
        if (buf.items.length === 0) continue;
        if (!best || this.before(buf.items[0]!, best.items[0]!)) best = buf;
      }
      if (!best) break;
      out.push(best.items.shift()!.id);
    }
    return out;
  }
}
