/** Small schemas and helpers shared by the route groups. */
import { z } from 'zod';
import { JobType } from '../../../contract/domain.ts';
import { JobId } from '../../../contract/jobs.ts';
import type { DEFAULT_STUCK_AFTER_MS } from '../../../contract/thresholds.ts';

/** A query with no parameters: unknown ones are rejected like unknown body fields. */
export const NoQuery = z.strictObject({});

export const JobIdParams = z.strictObject({ id: JobId });
export const QueueTypeParams = z.strictObject({ type: JobType });

/** Ids of schedules and maintenance windows (opaque, printable). */
export const RecordId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'an id: letters, digits and . _ : - only');
export const RecordIdParams = z.strictObject({ id: RecordId });

/** What route groups know about the server they belong to. */
export interface ServerInfo {
  name: string;
  version: string;
  capabilities: string[];
  stuckAfterMs: number | typeof DEFAULT_STUCK_AFTER_MS;
}

/** An empty 204 answer. */
export const NO_CONTENT = { status: 204, body: undefined } as const;
