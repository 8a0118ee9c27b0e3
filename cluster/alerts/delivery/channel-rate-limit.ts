/**
 * Per-channel rate limits shared by every node. Open-source BullMQ's limiter is queue-wide (group
 * rate limits are a BullMQ Pro feature), and one queue per channel would cost a Worker and its
 * connections per channel on every node. So the delivery queue stays one queue, and each send
 * first claims its channel's slot: a key in the datastore that lives `minIntervalMs`
 * (SharedStore.claimIdempotencyKey, atomic on PostgreSQL and Redis). A job that finds the slot
 * taken goes back to the delayed set without spending an attempt and tries again after the interval.
 */
import { randomUUID } from 'node:crypto';
import type { AlertChannelKind } from '../../../contract/alert-channels.ts';
import type { SharedStore } from '../../datastore/shared-store.ts';

/** Least time between two sends to one channel: Slack takes about one message a second per webhook. */
export const DEFAULT_MIN_INTERVAL_MS: Record<AlertChannelKind, number> = { slack: 1_000, sms: 1_000, email: 1_000, webhook: 200 };

/** Prefix of the slot keys; the API's idempotency keys are SHA-256 hex, so the two never meet. */
const SLOT_PREFIX = 'alert-delivery-slot:';

/** True when this caller now holds the channel's slot for `minIntervalMs`; false when another send holds it. */
export async function claimChannelSlot(store: Pick<SharedStore, 'claimIdempotencyKey'>, slot: string, minIntervalMs: number): Promise<boolean> {
  if (minIntervalMs <= 0) return true;
  const mine = randomUUID();
  const held = await store.claimIdempotencyKey(`${SLOT_PREFIX}${slot}`, { fingerprint: mine, jobIds: [], response: null }, minIntervalMs);
  return held.fingerprint === mine;
}
