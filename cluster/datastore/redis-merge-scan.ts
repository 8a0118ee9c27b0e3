import type { ChainableCommander, Redis } from 'ioredis';
import type { SortKey } from './shared-store.ts';

/** One set's members read ahead of the walk, and where its reads stopped. */
interface SetBuffer {
  key: string;
  items: { score: number; id: string }[];
  done: boolean;
  last: SortKey | undefined;
}

/**
 * Walks several sorted sets as one, in score order then member order, from a keyset position.
 * Each refill reads at most `batch` members of one set, so every Redis call stays small.
 */
export class MergeScan {
  private readonly buffers: SetBuffer[];

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

  /** The command that reads up to `want` members of a set after its position, skipping `offset`. */
  private range(pipe: ChainableCommander, buf: SetBuffer, want: number, offset: number): void {
    const from = buf.last ? String(buf.last.k) : this.desc ? '+inf' : '-inf';
    const to = this.desc ? '-inf' : '+inf';
    if (this.desc) pipe.zrevrangebyscore(buf.key, from, to, 'WITHSCORES', 'LIMIT', offset, want);
    else pipe.zrangebyscore(buf.key, from, to, 'WITHSCORES', 'LIMIT', offset, want);
  }

  /**
   * Takes a set's read into its buffer; false when the whole read was of members at or before the
   * position (a run of equal scores longer than a read), so the set must be read again further on.
   */
  private take(buf: SetBuffer, raw: string[], want: number): boolean {
    const items: { score: number; id: string }[] = [];
    for (let i = 0; i < raw.length; i += 2) items.push({ id: raw[i]!, score: Number(raw[i + 1]) });
    const last = buf.last;
    const fresh = last ? items.filter((it) => this.before({ score: last.k, id: last.id }, it)) : items;
    if (raw.length < want * 2 && fresh.length === 0) {
      buf.done = true;
      return true;
    }
    if (fresh.length === 0) return false;
    buf.items.push(...fresh);
    const tail = fresh.at(-1)!;
    buf.last = { k: tail.score, id: tail.id };
    if (raw.length < want * 2) buf.done = true;
    return true;
  }

  /** Refills the sets that ran dry, all in one round trip (a walk of every type's set reads six). */
  private async refill(dry: SetBuffer[], want: number): Promise<void> {
    let offset = 0;
    while (dry.length > 0) {
      const pipe = this.redis.pipeline();
      for (const buf of dry) this.range(pipe, buf, want, offset);
      const answers = (await pipe.exec())!;
      dry = dry.filter((buf, i) => {
        const [error, raw] = answers[i]!;
        if (error) throw error;
        return !this.take(buf, raw as string[], want);
      });
      // A whole read of equal scores at or before the position: read past it.
      offset += want;
    }
  }

  /** The next `n` members in order (fewer at the end). */
  async next(n: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < n) {
      const dry = this.buffers.filter((buf) => buf.items.length === 0 && !buf.done);
      if (dry.length > 0) await this.refill(dry, n - out.length);
      let best: SetBuffer | null = null;
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
