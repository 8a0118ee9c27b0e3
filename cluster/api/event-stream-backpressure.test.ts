import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { EventStream } from './event-stream.ts';
import { MemoryEngine } from './testing/memory-engine.ts';

/** A response whose socket is "full" after every frame until the test lets it drain. */
class SlowResponse extends EventEmitter {
  frames: string[] = [];
  writableNeedDrain = false;
  writableEnded = false;
  writeHead() {
    return this;
  }
  write(chunk: string): boolean {
    if (this.writableNeedDrain) throw new Error('wrote while the client was behind');
    this.frames.push(chunk);
    if (chunk.startsWith('id:')) this.writableNeedDrain = true;
    return !this.writableNeedDrain;
  }
  end() {
    this.writableEnded = true;
  }
  drain() {
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

const silent = { warn: () => undefined } as unknown as FastifyBaseLogger;

describe('EventStream backpressure', () => {
  it('waits for drain before writing more, then delivers everything once, in order', async () => {
    const engine = new MemoryEngine();
    for (let i = 0; i < 30; i++) await engine.submit({ type: 'signal', user: 'u', priority: 'normal', config: {} }, { name: 'a', role: 'admin', sourceAddress: '' });
    const res = new SlowResponse();
    const stream = new EventStream(engine, res as unknown as ServerResponse, '0', { heartbeatMs: 10, pollMs: 5, batchSize: 7 }, silent);
    stream.start();
    await new Promise((r) => setTimeout(r, 50)); // many polls and heartbeats while the client is behind
    const events = () => res.frames.filter((f) => f.startsWith('id:'));
    expect(events()).toHaveLength(1);
    while (events().length < 30) {
      res.drain();
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 30));
    expect(events().map((f) => /^id: (\d+)/.exec(f)![1])).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
    stream.close();
    expect(res.writableEnded).toBe(true);
    await stream.done;
  });
});
