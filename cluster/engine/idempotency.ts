/**
 * Idempotency keys for submits: a platform that did not hear the answer (a timeout, an outage)
 * sends the same request with the same `Idempotency-Key` again and gets the first answer instead
 * of a second job. The key is claimed before anything is created, together with the job ids the
 * request will create; a retry of a request whose answer was lost re-uses those ids, and a job id
 * that exists already is not added again. Keys are per token and kept for 24 hours.
 */
import { createHash } from 'node:crypto';
import type { IdempotencyEntry } from '../datastore/shared-store.ts';
import type { EngineContext } from './engine-context.ts';
import { EngineError } from './job-engine.ts';
import { duringOutage } from './outage-guard.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** A key as the client may send it: 1–255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so two equal requests hash alike whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface ClaimedKey {
  key: string;
  entry: IdempotencyEntry;
  /** True when an earlier request claimed the key (its job ids are re-used). */
  earlier: boolean;
}

/**
 * Claims `idempotencyKey` of `actor` for a request, proposing `jobIds`; returns the key's entry.
 * Throws `idempotency_key_reused` when the key was used with another request.
 */
export async function claimKey(
  ctx: EngineContext,
  actor: string,
  idempotencyKey: string,
  route: 'job' | 'batch',
  request: unknown,
  jobIds: string[],
): Promise<ClaimedKey> {
  if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    throw new EngineError('bad_request', 'Idempotency-Key: 1 to 255 visible ASCII characters (a UUID is a good key)');
  }
  const key = sha256(`${actor}\u0000${idempotencyKey}`);
  const fingerprint = sha256(`${route}\u0000${canonical(request)}`);
  const proposed: IdempotencyEntry = { fingerprint, jobIds, response: null };
  const entry = await duringOutage(ctx.datastore.availability, () => ctx.store.claimIdempotencyKey(key, proposed, IDEMPOTENCY_TTL_MS), 'the request was not run');
  if (entry.fingerprint !== fingerprint) {
    throw new EngineError(
      'idempotency_key_reused',
      `Idempotency-Key '${idempotencyKey}' was used in the last 24 hours with a different request${route === 'batch' ? ' (or on the other submit route)' : ''}; ` +
        'send a new key for a new request, or repeat the first request exactly to get its answer',
    );
  }
  return { key, entry, earlier: entry.jobIds.join() !== jobIds.join() };
}

/** Keeps the answer for repetitions; a failure here only means a repetition recomputes it from the same job ids. */
export async function keepAnswer(ctx: EngineContext, claimed: ClaimedKey, status: number, body: unknown): Promise<void> {
  await ctx.store.putIdempotencyKey(claimed.key, { ...claimed.entry, response: { status, body } }, IDEMPOTENCY_TTL_MS).catch(() => undefined);
}
