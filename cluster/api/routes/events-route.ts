/** `GET /api/v1/events`: the SSE stream of cluster events, resumable with Last-Event-ID. */
import { SYNC_ROUTES } from '../../../contract/api-routes.ts';
import { EventId } from '../../../contract/events.ts';
import { validationFailure } from '../api-error.ts';
import { EventStream, type EventStreamHub, type EventStreamLimits } from '../event-stream.ts';
import { handle, type ServedRoute } from '../route.ts';

export function eventsRoute(hub: EventStreamHub, limits: EventStreamLimits): ServedRoute {
  return handle(SYNC_ROUTES.events, {
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
