/** `GET /api/v1/events`: the SSE stream of cluster events, resumable with Last-Event-ID. */
import { z } from 'zod';
import { ClusterEvent, EventId } from '../../../contract/events.ts';
import { validationFailure } from '../api-error.ts';
import { EventStream, type EventStreamHub, type EventStreamLimits } from '../event-stream.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';

/** `?lastEventId=` for clients that cannot set headers; the header wins when both are given. */
export const EventsQuery = z.strictObject({ lastEventId: EventId.optional() });

export function eventsRoute(hub: EventStreamHub, limits: EventStreamLimits): AnyRouteDef {
  return defineRoute({
    method: 'GET',
    url: '/api/v1/events',
    access: 'viewer',
    tag: 'sync',
    summary:
      'Server-sent events (text/event-stream): `id:` is the event id, `data:` a ClusterEvent; resume with the Last-Event-ID header or ?lastEventId=; a `reset` event when that id is no longer retained',
    query: EventsQuery,
    response: ClusterEvent,
    responseContentType: 'text/event-stream',
    async stream({ engine, query, request }, reply) {
      const header = request.headers['last-event-id'];
      let after = query.lastEventId;
      if (typeof header === 'string' && header.trim() !== '') {
        const parsed = EventId.safeParse(header.trim());
        if (!parsed.success) throw validationFailure('header', parsed.error);
        after = parsed.data;
      }
      const start = after ?? (await engine.lastEventId());
      reply.hijack();
      const stream = new EventStream(engine, reply.raw, start, limits, request.log);
      hub.add(stream);
      stream.start();
      await stream.done;
    },
  });
}
