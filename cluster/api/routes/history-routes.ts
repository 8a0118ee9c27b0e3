/** The desktop cache's sync feed and the audit log. */
import { z } from 'zod';
import { AuditPage, HistoryQuery, SequenceCursor } from '../../../contract/api.ts';
import { HistoryPage } from '../../../contract/events.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';

/** `GET /api/v1/audit` query: opaque cursor and a page size clamped to 500. */
export const AuditQuery = z.strictObject({
  cursor: SequenceCursor.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, 500))
    .default(100),
});

export function historyRoutes(): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/history',
      access: 'viewer',
      tag: 'sync',
      summary: 'Job records changed after a cursor, oldest first, with the event id to replay from',
      query: HistoryQuery,
      response: HistoryPage,
      async handler({ engine, query }) {
        return { body: await engine.history(query.after, query.limit) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      access: 'admin',
      tag: 'audit',
      summary: 'Who did what, when, from where, with what result (newest first)',
      query: AuditQuery,
      response: AuditPage,
      async handler({ engine, query }) {
        return { body: await engine.listAudit(query.cursor, query.limit) };
      },
    }),
  ];
}
