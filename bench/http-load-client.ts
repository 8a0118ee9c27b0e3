/**
 * The API bench's HTTP client in a worker thread: a platform submits from its own process, so the
 * client that generates the load has its own event loop (and, on a 2-core machine, the other core)
 * instead of sharing the server's. Every HTTP row of the bench — the API's and the empty route's
 * (the HTTP floor) — is driven from here with the same client, bodies and calls in flight; the
 * raw BullMQ and in-process engine rows call from the main thread, as a platform calling BullMQ
 * directly would.
 *
 * The worker builds its request bodies itself and checks every answer (status, and for lists the
 * page against the contract's schema as the desktop checks it), so what the main thread times is
 * the server's side of each call alone.
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { JobPage } from '../contract/api.ts';
import { PRIORITIES } from '../contract/domain.ts';
import { compiledSchema } from '../main/core/clusters/compiled-schema.ts';

/** What one run of calls sends: its kind decides the route, the body and the answer expected. */
export type LoadSpec =
  | { kind: 'submit' | 'floor'; url: string; count: number; inFlight: number }
  | { kind: 'batch'; url: string; count: number; inFlight: number; batch: number }
  | { kind: 'list'; url: string; count: number; inFlight: number; page: number };

/** Calls per second of a run, and for lists the jobs the pages held. */
export interface LoadResult {
  rate: number;
  listed: number;
}

type Request = { id: number; spec: LoadSpec } | { id: number; close: true };
type Reply = { id: number; result?: LoadResult; error?: string };

/** A batch of the bench's jobs (the same in the worker and for the in-process rows). */
export function benchBatch(b: number, size: number) {
  return Array.from({ length: size }, (_, n) => benchJob(b + n));
}

/** The i-th job the bench submits: seven users, the four priorities in turn. */
export function benchJob(i: number) {
  return { type: 'signal' as const, user: `bench${i % 7}`, priority: PRIORITIES[i % 4]!, config: {} };
}

export class LoadClient {
  private readonly worker: Worker;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  /** `token`: the bearer token every call sends; `connections`: the client's connection pool. */
  constructor(token: string, connections: number) {
    // The worker loads this file through tsx as the main thread did.
    const source = `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(import.meta.url)}))`;
    this.worker = new Worker(source, { eval: true, workerData: { token, connections } });
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.result!);
    });
    this.worker.on('error', (error) => {
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    });
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, spec } satisfies Request);
    });
  }

  async close(): Promise<void> {
    const id = this.next++;
    await new Promise<void>((resolve) => {
      this.waiting.set(id, { resolve: () => resolve(), reject: () => resolve() });
      this.worker.postMessage({ id, close: true } satisfies Request);
    });
    await this.worker.terminate();
  }
}

/** Run `count` calls of `fn` with at most `inFlight` in flight; calls per second. */
export async function rate(count: number, fn: (i: number) => Promise<void>, inFlight: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function serveLoad(): Promise<void> {
  const { workerData } = await import('node:worker_threads');
  const { token, connections } = workerData as { token: string; connections: number };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // undici's request (not fetch): the leanest client, so the figures say what the server costs.
  const agent = new Agent({ connections, pipelining: 1 });
  const jobPage = compiledSchema(JobPage);
  const call = async (url: string, method: 'GET' | 'POST', body?: string) => {
    const res = await request(url, { method, headers, body, dispatcher: agent });
    return { status: res.statusCode, text: await res.body.text() };
  };
  const runSpec = async (spec: LoadSpec): Promise<LoadResult> => {
    let listed = 0;
    const perCall = async (i: number): Promise<void> => {
      switch (spec.kind) {
        case 'submit':
        case 'floor': {
          const res = await call(spec.url, 'POST', JSON.stringify(benchJob(i)));
          if (res.status !== 201) throw new Error(`${spec.kind} answered ${res.status}: ${res.text.slice(0, 300)}`);
          return;
        }
        case 'batch': {
          const res = await call(spec.url, 'POST', JSON.stringify({ jobs: benchBatch(i, spec.batch) }));
          const answer = res.status === 200 ? (JSON.parse(res.text) as { submitted: number }) : null;
          if (answer?.submitted !== spec.batch) throw new Error(`batch submit answered ${res.status}: ${res.text.slice(0, 300)}`);
          return;
        }
        case 'list': {
          const sort = i % 2 === 0 ? '-created' : 'position';
          const res = await call(`${spec.url}?state=pending&sort=${sort}&limit=${spec.page}`, 'GET');
          if (res.status !== 200) throw new Error(`list answered ${res.status}: ${res.text.slice(0, 300)}`);
          listed += jobPage.parse(JSON.parse(res.text)).items.length;
          return;
        }
      }
    };
    return { rate: await rate(spec.count, perCall, spec.inFlight), listed };
  };
  parentPort!.on('message', (message: Request) => {
    if ('close' in message) {
      void agent.close().finally(() => parentPort!.postMessage({ id: message.id, result: { rate: 0, listed: 0 } } satisfies Reply));
      return;
    }
    runSpec(message.spec).then(
      (result) => parentPort!.postMessage({ id: message.id, result } satisfies Reply),
      (error: unknown) => parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
}

if (!isMainThread) await serveLoad();
