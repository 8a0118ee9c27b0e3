/**
 * Malformed input against every route of the OpenAPI document, over real HTTP, on a real engine:
 * wrong types, NUL and lone surrogates, huge numbers and strings, deep nesting, bad cursors, wrong
 * content types and oversized bodies, in path, query, headers and body. Every answer must come
 * (no hang), must not be a 5xx, and every error must be the contract's envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../contract/api.ts';
import type { TestKind } from '../../engine/engine-test-support.ts';
import type { OpenApiDocument } from '../openapi.ts';
import { openEngineUnderTest, type EngineUnderTest } from './api-contract-suite.ts';
import { alertApiDepsOf } from '../../alerts/alert-api-deps.ts';
import { AlertDeliveryQueue } from '../../alerts/delivery/delivery-queue.ts';
import { apiFixture, type ApiFixture } from './api-fixture.ts';

type Json = Record<string, unknown>;

/** One malformed request. */
interface Probe {
  what: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const HUGE_STRING = 'x'.repeat(100_000);
const DEEP_JSON = '['.repeat(5_000) + ']'.repeat(5_000);
const DEEP_OBJECT = '{"a":'.repeat(2_000) + '1' + '}'.repeat(2_000);
const BAD_TEXTS = ['a\u0000b', 'a\uD800b', '\uDC00', '\u202Eexe.png', HUGE_STRING];
const BAD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1e20,
  -1e300,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  '99999999999999999999',
  ...BAD_TEXTS,
  [],
  ['a\u0000'],
  {},
  { __nested: { deeper: ['a\uD800'] } },
];
/** Raw query values (already URL-encoded). */
const BAD_QUERY_VALUES = [
  '',
  'a%00b',
  '%ED%A0%80',
  '%E0%A4%A',
  '%',
  '1e20',
  '-1e300',
  '-1',
  '99999999999999999999',
  'NaN',
  encodeURIComponent('\u202Egnp.exe'),
  'x'.repeat(5_000),
  Buffer.from(JSON.stringify({ v: 1, s: '-created', k: 1e20, i: 'x' })).toString('base64url'),
  Buffer.from(JSON.stringify({ v: 1, s: '-created', k: -1e300, i: 'a\u0000' })).toString('base64url'),
  Buffer.from(JSON.stringify({ v: 1, s: '-created', k: 1, i: 'x'.repeat(10_000) })).toString('base64url'),
];
const BAD_PATH_VALUES = ['a%00b', '%ED%A0%80', '%E0%A4%A', '%25', '..', 'x'.repeat(10_000), '99999999999999999999', '-1', '%20'];

/** Valid bodies to start from (mutated one field at a time). */
function sampleBodies(): Record<string, Json> {
  return {
    'post /api/v1/jobs': { type: 'report', user: 'fuzz', config: { kind: 'sweep-results', sourceJobId: 'x' }, priority: 'low' },
    'post /api/v1/jobs/bulk': { action: 'cancel', filter: { user: 'fuzz-nobody', q: 'x' }, dryRun: true },
    'post /api/v1/jobs/{id}/actions/{action}': { reason: 'fuzz', priority: 'low' },
    'post /api/v1/queues/{type}/actions/{action}': { concurrency: 2 },
    'post /api/v1/schedules': { name: 'fuzz', type: 'report', user: 'fuzz', cron: '0 3 * * *' },
    'post /api/v1/maintenance-windows': { name: 'fuzz', queues: ['report'], startsAt: '2031-01-01T00:00:00Z', endsAt: '2031-01-02T00:00:00Z' },
  };
}

/** Good values for path parameters, so the other parts are what the server looks at. */
const GOOD_PATH: Record<string, string> = { id: 'fuzz-missing', type: 'report', action: 'cancel' };

function fillPath(template: string, override: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => override[name] ?? GOOD_PATH[name] ?? 'x');
}

/** Every leaf path of a JSON value (objects and arrays), as key lists. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Object.entries(value as Json);
  if (entries.length === 0) return [prefix];
  return [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
}

function setAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Json) }) as Json;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), replacement);
  return copy;
}

/** The properties a request body schema names (resolving one `$ref`). */
function bodyProperties(doc: OpenApiDocument, op: Json): string[] {
  const content = (op.requestBody as Json | undefined)?.content as Record<string, { schema: Json }> | undefined;
  let schema = content?.['application/json']?.schema;
  const ref = schema?.$ref;
  if (typeof ref === 'string') schema = (doc.components as { schemas: Record<string, Json> }).schemas[ref.replace('#/components/schemas/', '')];
  return Object.keys((schema?.properties as Json | undefined) ?? {});
}

/** Every malformed request for one operation. */
function probesFor(doc: OpenApiDocument, template: string, method: string, op: Json): Probe[] {
  const probes: Probe[] = [];
  const m = method.toUpperCase();
  const params = (op.parameters ?? []) as Array<{ name: string; in: 'path' | 'query' }>;
  const path = fillPath(template);
  const json = { 'content-type': 'application/json' };
  const sample = sampleBodies()[`${method} ${template}`] ?? (op.requestBody ? {} : undefined);
  const sampleText = sample === undefined ? undefined : JSON.stringify(sample);
  const base = { method: m, headers: sampleText === undefined ? undefined : json, body: sampleText };

  for (const p of params.filter((x) => x.in === 'path')) {
    for (const bad of BAD_PATH_VALUES) probes.push({ ...base, what: `path ${p.name}=${bad.slice(0, 20)}`, path: fillPath(template, { [p.name]: bad }) });
  }
  const queryNames = [...params.filter((x) => x.in === 'query').map((x) => x.name), 'unknownParam'];
  for (const name of queryNames) {
    for (const bad of BAD_QUERY_VALUES) probes.push({ ...base, what: `query ${name}=${bad.slice(0, 20)}`, path: `${path}?${name}=${bad}` });
    probes.push({ ...base, what: `query ${name} twice`, path: `${path}?${name}=1&${name}=2` });
    probes.push({ ...base, what: `query ${name}[]`, path: `${path}?${name}[a]=1&${name}[b][c]=2` });
  }
  probes.push({ ...base, what: '70 KB query', path: `${path}?q=${'a'.repeat(70_000)}` });
  if (template === '/api/v1/events') {
    for (const id of ['99999999999999999999', '-1', 'abc', '1e20', ' ', '1'.repeat(40)]) {
      probes.push({ what: `Last-Event-ID ${id}`, method: m, path, headers: { 'last-event-id': id } });
    }
  }

  // Bodies: sent to every route that can carry one (fetch sends none with GET), even those that take none.
  const rawBodies: Array<[string, string, string]> = [
    ['body null', 'null', 'application/json'],
    ['body number', '1e400', 'application/json'],
    ['body string', '"a\\u0000"', 'application/json'],
    ['body array', '[1,2]', 'application/json'],
    ['body deep array', DEEP_JSON, 'application/json'],
    ['body deep object', DEEP_OBJECT, 'application/json'],
    ['body not JSON', '{"a":', 'application/json'],
    ['body proto', '{"__proto__":{"x":1}}', 'application/json'],
    ['body text/plain', sampleText ?? 'hello', 'text/plain'],
    ['body form', 'a=1&b=2', 'application/x-www-form-urlencoded'],
    ['body multipart', '--b\r\ncontent-disposition: form-data; name="a"\r\n\r\n1\r\n--b--', 'multipart/form-data; boundary=b'],
    ['body odd type', '{}', 'application/x-fuzz; charset=bogus'],
    ['body oversized', JSON.stringify({ ...(sample ?? {}), pad: 'x'.repeat(1_100_000) }), 'application/json'],
  ];
  if (m !== 'GET') for (const [what, body, type] of rawBodies) probes.push({ what, method: m, path, headers: { 'content-type': type }, body });

  if (sample !== undefined) {
    const fields = new Set([...leafPaths(sample).map((p) => p.join('\u0001')), ...bodyProperties(doc, op)]);
    for (const key of fields) {
      const at = key === '' ? [] : key.split('\u0001');
      if (at.length === 0) continue;
      for (const bad of BAD_VALUES) {
        const body = JSON.stringify(setAt(sample, at, bad));
        probes.push({ what: `body ${at.join('.')}=${JSON.stringify(bad)?.slice(0, 20)}`, method: m, path, headers: json, body });
      }
      // A key that no datastore can store.
      probes.push({ what: `body key with NUL under ${at.join('.')}`, method: m, path, headers: json, body: JSON.stringify(setAt(sample, at, { 'k\u0000': 1 })) });
    }
  }
  return probes;
}

/** The fuzz suite on one datastore kind (one line per test file). */
export function describeApiFuzzOn(label: string, kind: TestKind): void {
  describe(`cluster API fuzz on ${label}`, () => {
    let under: EngineUnderTest;
    let fx: ApiFixture;
    let base: string;
    let delivery: AlertDeliveryQueue;

    beforeAll(async () => {
      under = await openEngineUnderTest(kind);
      // A real delivery queue, as serve runs it: notes to a job's owner on actions are part of the input.
      delivery = await AlertDeliveryQueue.start({ datastore: under.datastore, context: { clusterName: 'fuzz', adminUrl: 'http://127.0.0.1/' }, onError: () => {} });
      const alerting = { ...alertApiDepsOf(under.datastore), sendTest: (id: string) => delivery.sendTest(id), notifyUser: (input: Parameters<AlertDeliveryQueue['notifyUser']>[0]) => delivery.notifyUser(input) };
      fx = await apiFixture(under.engine, { rateLimit: false, events: { heartbeatMs: 5_000, pollMs: 250, batchSize: 50 } }, { alerting });
      base = await fx.server.listen('127.0.0.1', 0);
    });
    afterAll(async () => {
      await fx?.server.close();
      await delivery?.close();
      await under?.close();
    });

    /** Send one probe; a description of what went wrong, or null. */
    async function send(template: string, probe: Probe): Promise<string | null> {
      const where = `${probe.method} ${template} [${probe.what}]`;
      let res: Response;
      try {
        res = await fetch(base + probe.path, {
          method: probe.method,
          headers: { ...fx.auth('admin'), ...probe.headers },
          body: probe.method === 'GET' || probe.method === 'HEAD' ? undefined : probe.body,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        return `${where}: no answer (${(err as Error).name}: ${(err as Error).message})`;
      }
      if (res.status < 400) {
        // A stream that opened is fine; do not wait for it to end.
        await res.body?.cancel();
        return null;
      }
      const text = await res.text();
      if (res.status >= 500) return `${where}: ${res.status} ${text.slice(0, 120)}`;
      try {
        if (ApiError.safeParse(JSON.parse(text)).success) return null;
      } catch {
        // not JSON: reported below
      }
      return `${where}: ${res.status} without the error envelope: ${text.slice(0, 120)}`;
    }

    it('answers malformed input on every route of the OpenAPI document without a 5xx or a hang, always in the envelope', async () => {
      const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as OpenApiDocument;
      const failures: string[] = [];
      let sent = 0;
      const operations = Object.entries(doc.paths).flatMap(([template, ops]) => Object.entries(ops).map(([method, op]) => ({ template, method, op })));
      expect(operations.length).toBe(fx.server.routes.length);
      const probes = operations.flatMap(({ template, method, op }) => probesFor(doc, template, method, op).map((probe) => ({ template, probe })));
      // A few at a time: concurrent malformed requests must not upset each other either.
      let next = 0;
      async function worker(): Promise<void> {
        while (next < probes.length) {
          const { template, probe } = probes[next++]!;
          sent++;
          const failure = await send(template, probe);
          if (failure) failures.push(failure);
        }
      }
      await Promise.all(Array.from({ length: 4 }, worker));
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(1000);
      // The server is still well after all this.
      expect((await fetch(`${base}/api/v1/cluster`, { headers: fx.auth('viewer') })).status).toBe(200);
    }, 600_000);
  });
}
