/**
 * Browser mode's wire protocol between the renderer (renderer/api/web-client.ts) and the host
 * (main/web/). The same AdminApi as over IPC, as HTTP:
 *
 * - `POST /admin-api/<method>` with body `{"args": [...]}` → 200 `{"result": …}`, or an error
 *   status with `{"error": AdminErrorBody}` (400 invalid arguments, 401 no/bad session token,
 *   403 a call from another page, 404 unknown method, 413 a body over 2 MiB, 415 a body that is
 *   not `application/json`, 502 the cluster failed, 500 never on purpose).
 * - `GET /admin-api/events` → server-sent events, one `AdminEvent` JSON per `data:` line.
 * - Auth: the host prints `open: http://127.0.0.1:PORT/?token=…`. The token must accompany every
 *   call: as `Authorization: Bearer <token>` for fetches, and as `?token=` on the events URL
 *   (EventSource cannot set headers). The renderer reads it from its own page URL. The page's
 *   cookie is not enough for a call, and a browser request whose `Origin` is not the host's own
 *   or whose `Sec-Fetch-Site` is not `same-origin` is refused.
 */
import { z } from 'zod';
import { AdminErrorBody } from './admin-api.ts';

export const WEB_API_PREFIX = '/admin-api';
export const WEB_EVENTS_PATH = `${WEB_API_PREFIX}/events`;
export const SESSION_TOKEN_PARAM = 'token';

export const WebCallBody = z.strictObject({ args: z.array(z.unknown()).max(10) });
export const WebCallError = z.object({ error: AdminErrorBody });
