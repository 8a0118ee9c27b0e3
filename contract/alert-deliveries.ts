/**
 * The delivery log: one record per attempt to send a notification batch (or a test message, or a
 * note to a job's owner) to one channel or user, with the result in words. Written by the
 * cluster's delivery queue, read through `GET /api/v1/alerts/deliveries` and shown next to the
 * channels. Records name channels and alerts, never a channel's secrets.
 */
import { z } from 'zod';
import { Instant } from './jobs.ts';

export const DELIVERY_RESULTS = ['sent', 'retrying', 'failed'] as const;
export const DeliveryResult = z.enum(DELIVERY_RESULTS);
export type DeliveryResult = z.infer<typeof DeliveryResult>;

/** What was sent: alert notifications (firing, resolved, repeat or a mixed group), a test message, or a note to a user. */
export const DELIVERY_KINDS = ['firing', 'resolved', 'repeat', 'mixed', 'test', 'user-note'] as const;
export const DeliveryKind = z.enum(DELIVERY_KINDS);
export type DeliveryKind = z.infer<typeof DeliveryKind>;

/** One attempt as the delivery code records it; the store assigns `id`. */
export const AlertDeliveryInput = z.object({
  /** The channel sent to (absent for a note sent to a user through the user directory). */
  channelId: z.string().min(1).max(100).optional(),
  channelName: z.string().max(100).optional(),
  channelKind: z.string().max(20).optional(),
  /** The user a note went to (user directory). */
  user: z.string().max(100).optional(),
  kind: DeliveryKind,
  /** The batch (stable key) this attempt sends; the same on every retry. */
  batchKey: z.string().max(300),
  /** The alerts the message covers (none for a test or a user note). */
  alertIds: z.array(z.string()).max(1000),
  /** 1 for the first try. */
  attempt: z.int().min(1),
  result: DeliveryResult,
  /** Why it failed, in words (no secrets: never a password, token or full webhook URL). */
  error: z.string().max(2000).optional(),
  at: Instant,
});
export type AlertDeliveryInput = z.infer<typeof AlertDeliveryInput>;

export const AlertDelivery = AlertDeliveryInput.extend({ id: z.string().min(1) });
export type AlertDelivery = z.infer<typeof AlertDelivery>;

/** `GET /api/v1/alerts/deliveries`: newest first, paged with `cursor`. */
export const ListDeliveriesQuery = z.strictObject({
  channelId: z.string().min(1).max(100).optional(),
  alertId: z.string().min(1).max(100).optional(),
  cursor: z.string().regex(/^\d{1,19}$/, 'a cursor as a previous page returned it (nextCursor)').optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, 500))
    .default(50),
});
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuery>;

export const AlertDeliveryPage = z.object({ items: z.array(AlertDelivery), nextCursor: z.string().nullable() });
export type AlertDeliveryPage = z.infer<typeof AlertDeliveryPage>;
