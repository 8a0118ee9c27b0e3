/**
 * The AdminApi over browser mode's wire protocol (contract/web-protocol.ts): one POST per call with
 * the session token as a bearer token, results parsed with the method's result schema, and one
 * shared EventSource for change events. Built from ADMIN_API so it cannot drift from the contract.
 */
import { ADMIN_API, ADMIN_API_METHODS, AdminEvent, type AdminApi, type AdminApiMethod } from '../../contract/admin-api.ts';
import { describeZodError } from '../../contract/api.ts';
import { SESSION_TOKEN_PARAM, WEB_API_PREFIX, WEB_EVENTS_PATH, WebCallError } from '../../contract/web-protocol.ts';
import { AdminApiError } from './admin-api-error.ts';

export interface WebClientOptions {
  /** Origin of the browser-mode host, e.g. `http://127.0.0.1:5173`. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSource;
}

/**
 * JSON has no `undefined`: in an array it becomes null, which an optional argument rejects. Left
 * out at the end, the argument is simply absent, as over IPC.
 */
export function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

/** Creates an AdminApi that talks to the browser-mode host. */
export function createWebClient(options: WebClientOptions): AdminApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const api: Record<string, unknown> = {};
  for (const method of ADMIN_API_METHODS) {
    api[method] = (...args: unknown[]) => call(method, withoutTrailingUndefined(args));
  }

  async function call(method: AdminApiMethod, args: unknown[]): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${options.baseUrl}${WEB_API_PREFIX}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ args }),
      });
    } catch (error) {
      throw new AdminApiError(
        'host_unreachable',
        `The Sigmatiq Admin host did not answer (${String(error)}). Is \`sigmatiq-admin serve\` still running?`,
      );
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = WebCallError.safeParse(body);
      if (parsed.success) throw new AdminApiError(parsed.data.error.code, parsed.data.error.message);
      throw new AdminApiError('bad_response', `The host answered ${response.status} without an error message.`);
    }
    const result = ADMIN_API[method].result.safeParse((body as { result?: unknown } | null)?.result);
    if (!result.success) {
      throw new AdminApiError('bad_response', `The host's answer to ${method} does not fit the contract: ${describeZodError(result.error)}`);
    }
    return result.data;
  }

  const listeners = new Set<(event: AdminEvent) => void>();
  let source: EventSource | null = null;
  api.onEvent = (listener: (event: AdminEvent) => void) => {
    listeners.add(listener);
    if (!source) {
      const url = `${options.baseUrl}${WEB_EVENTS_PATH}?${SESSION_TOKEN_PARAM}=${encodeURIComponent(options.token)}`;
      source = options.createEventSource ? options.createEventSource(url) : new EventSource(url);
      source.onmessage = (message: MessageEvent<string>) => {
        let json: unknown;
        try {
          json = JSON.parse(message.data);
        } catch {
          console.warn('admin event is not JSON; ignored');
          return;
        }
        const event = AdminEvent.safeParse(json);
        if (!event.success) {
          console.warn(`admin event ignored: ${describeZodError(event.error)}`);
          return;
        }
        for (const l of listeners) l(event.data);
      };
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  };
  return api as AdminApi;
}
