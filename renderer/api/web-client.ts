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
  /** Told when the event stream opens, drops, or is refused (see renderer/store/host-link-store.ts). */
  onLinkChange?: (link: 'up' | 'lost' | 'refused') => void;
  /** How long to wait before opening a refused stream again (ms). */
  reopenAfterMs?: number;
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
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;
  const url = `${options.baseUrl}${WEB_EVENTS_PATH}?${SESSION_TOKEN_PARAM}=${encodeURIComponent(options.token)}`;
  const link = options.onLinkChange ?? (() => {});

  function openStream(): EventSource {
    const es = options.createEventSource ? options.createEventSource(url) : new EventSource(url);
    es.onopen = () => link('up');
    // A dropped stream (the host stopped) reconnects by itself and stays CONNECTING meanwhile; an
    // answer other than a stream (401 from a restarted host) closes it for good, so it is reopened
    // here until a host with this session answers again.
    es.onerror = () => {
      if (es.readyState !== 2 /* CLOSED */) return link('lost');
      link('refused');
      reopenTimer ??= setTimeout(() => {
        reopenTimer = null;
        if (source === es) source = openStream();
      }, options.reopenAfterMs ?? 3000);
    };
    es.onmessage = (message: MessageEvent<string>) => {
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
    return es;
  }

  api.onEvent = (listener: (event: AdminEvent) => void) => {
    listeners.add(listener);
    source ??= openStream();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
        if (reopenTimer) clearTimeout(reopenTimer);
        reopenTimer = null;
      }
    };
  };
  return api as AdminApi;
}
