/**
 * `openDatastore(spec)`: the one entry point to a cluster's datastore, for the API, the workers
 * and the tests. It starts/checks the server, prepares BullMQ on it (PostgreSQL migrations; the
 * Redis eviction policy) and returns a Datastore: BullMQ classes bound to the right backend, our
 * SharedStore next to BullMQ's data, `ping()` and `close()`.
 *
 * ```ts
 * const ds = await openDatastore('redis://127.0.0.1:6379');
 * const { Worker } = ds.bullmq.classes;
 * const worker = new Worker('backtest', processor, { ...ds.bullmq.options(), concurrency: 2 });
 * ```
 */
import { createRedisBackend, runMigrations, withBackend, type BackendFactory, type IQueueBackend, type Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import type { DatastoreKind } from '../../contract/api.ts';
import { DatastoreAvailability, type AvailabilityOptions } from './datastore-availability.ts';
import { parseDatastoreSpec, redactSpec } from './datastore-spec.ts';
import { defaultDataDir, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres-server.ts';
import { openPgStore } from './pg-store.ts';
import { openRedisStore } from './redis-store.ts';
import type { SharedStore } from './shared-store.ts';
import type { AlertStore } from '../alerts/alert-store.ts';
import { openPgAlertStore } from './pg-alert-store.ts';
import { openRedisAlertStore } from './redis-alert-store.ts';
import type { BullEventRecheck, BullJobReader, BullOutcomeReader, StreamTrimBound } from './bull-jobs.ts';
import { redisDelayWaiting } from './bull-delay.ts';
import { BULLMQ_SCHEMA, guardedPostgresBackend } from './bullmq-pg-backend.ts';

/** BullMQ's constructors bound to this datastore's backend, and the options every instance needs. */
export interface BullmqAccess {
  /** Queue, Worker, QueueEvents, QueueEventsProducer and FlowProducer for this datastore. */
  readonly classes: ReturnType<typeof withBackend<IQueueBackend, unknown>>;
  /** The backend factory (for code that constructs BullMQ classes itself). */
  readonly factory: BackendFactory<IQueueBackend, unknown>;
  /** Spread into every BullMQ constructor's options: `{ connection, prefix? }`. */
  options(): { connection: unknown; prefix?: string };
  /**
   * Options for the API's Queues: a command issued while the datastore is unreachable fails at
   * once instead of waiting in a queue to run after it returns (a submit that timed out at the
   * client must not create its job later). Workers and event readers keep options(), which wait.
   */
  producerOptions(): { connection: unknown; prefix?: string };
  /** Reads a page of jobs of one queue in one datastore call, where the datastore can (PostgreSQL). */
  readonly readJobs?: BullJobReader;
  /** Reads the outcomes (stacks, return values) of a page of jobs of one queue in one call, where the datastore can (PostgreSQL). */
  readonly readOutcomes?: BullOutcomeReader;
  /**
   * Moves a job waiting to run (waiting or prioritized) into the delayed set until `runAtMs`, in
   * one atomic step; false when the job was not waiting (it started, or left the queue). BullMQ
   * has no call for it (bull-delay.ts).
   */
  delayWaiting(queue: Queue, id: string, runAtMs: number, delayMs: number): Promise<boolean>;
  /**
   * One bounded step of trimming a queue's event stream; returns the events dropped. Only where
   * BullMQ's own trim is one unbounded delete (PostgreSQL: after a set-based addBulk it deletes
   * the whole backlog in the call of whoever publishes next). Redis trims as it appends.
   */
  readonly trimEvents?: (queue: string, bound: StreamTrimBound) => Promise<number>;
  /**
   * Re-reads events behind a recorder's position that it has not seen, where a stream's ids can
   * commit out of order (PostgreSQL: ids come from a sequence; event-recorder.ts).
   */
  readonly recheckEvents?: BullEventRecheck;
  /** Event stream length BullMQ itself keeps per queue (our Queues set it), when not its default. */
  readonly streamMaxLen?: number;
}

export interface Datastore {
  readonly kind: DatastoreKind;
  /** The spec with its password hidden, for logs and messages. */
  readonly description: string;
  readonly bullmq: BullmqAccess;
  /** Our own data: job index, event log, audit, settings, resource samples. */
  readonly store: SharedStore;
  /** Alerting's data: thresholds, rules, channels, alert state and history, silences, deliveries, users. */
  readonly alerts: AlertStore;
  /** Round-trip time in ms; throws when the datastore is unreachable. */
  ping(): Promise<number>;
  /** Whether the datastore answers right now (probed every second), without waiting for it. */
  readonly availability: DatastoreAvailability;
  /** Closes our connections and stops the embedded server (if any). Close BullMQ instances first. */
  close(): Promise<void>;
}

export interface OpenDatastoreOptions {
  /** Redis: key prefix of BullMQ's keys and ours (default `sigmatiq`). One prefix = one cluster. */
  prefix?: string;
  /** PostgreSQL: schema of our tables (default `sigmatiq`). */
  schema?: string;
  /** Query connections per BullMQ instance pool on PostgreSQL (default 4); a LISTEN connection is one more. */
  pgPoolSize?: number;
  /** Server log lines of the embedded PostgreSQL. */
  log?: (line: string) => void;
  /** Probe timing of `availability`. */
  availability?: AvailabilityOptions;
}

/** A new connection that cannot be made within this time counts as the datastore being down. */
const PG_CONNECT_TIMEOUT_MS = 5_000;

function watch(description: string, what: string, ping: () => Promise<number>, options: OpenDatastoreOptions): DatastoreAvailability {
  const availability = new DatastoreAvailability(description, what, ping, options.availability);
  availability.start();
  return availability;
}

/** Opens `embedded[:DIR]`, `postgres://…` or `redis://…`; errors name the spec and what to do. */
export async function openDatastore(spec: string | undefined, options: OpenDatastoreOptions = {}): Promise<Datastore> {
  const parsed = parseDatastoreSpec(spec);
  if (parsed.kind === 'redis') return openRedis(parsed.url, options);
  if (parsed.kind === 'postgres') return openPostgres(parsed.url, 'postgres', options, null);
  const dir = parsed.dir ?? defaultDataDir();
  const server = await startEmbeddedPostgres(dir, options.log);
  try {
    return await openPostgres(server.url, 'embedded', options, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function unreachable(description: string, error: unknown, hint: string): Error {
  const why = error instanceof Error ? error.message || error.name : String(error);
  return new Error(`datastore '${description}' is not reachable (${why}). ${hint}`, { cause: error });
}

async function openPostgres(url: string, kind: 'embedded' | 'postgres', options: OpenDatastoreOptions, server: EmbeddedServer | null): Promise<Datastore> {
  const description = kind === 'embedded' ? `embedded:${server!.dataDir}` : redactSpec(url);
  const bullmqSchema = BULLMQ_SCHEMA;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw unreachable(description, error, 'Start the PostgreSQL server (13 or newer) or correct the URL, user and password.');
  }
  try {
    // Once per start; concurrent starters serialize on BullMQ's advisory lock and no-op.
    await runMigrations(client, bullmqSchema);
  } catch (error) {
    throw new Error(`datastore '${description}': preparing BullMQ's tables failed: ${(error as Error).message}. The user needs CREATE rights on the database.`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
  const store = await openPgStore({ connectionString: url, schema: options.schema, kind, bullmqSchema });
  let alerts: AlertStore;
  try {
    alerts = await openPgAlertStore({ connectionString: url, schema: options.schema });
  } catch (error) {
    await store.close();
    throw error;
  }
  // BullMQ on pools of our own whose clients never throw an unheard 'error' (bullmq-pg-backend.ts).
  const factory = guardedPostgresBackend as unknown as BackendFactory<IQueueBackend, unknown>;
  const connection = { connectionString: url, max: options.pgPoolSize ?? 4, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS };
  const availability = watch(description, kind === 'embedded' ? 'the embedded PostgreSQL' : 'PostgreSQL', () => store.ping(), options);
  return {
    kind,
    description,
    bullmq: {
      classes: withBackend(factory),
      factory,
      options: () => ({ connection }),
      // A PostgreSQL pool fails a query at once when it cannot connect (within the connect timeout).
      producerOptions: () => ({ connection }),
      readJobs: (queue, ids) => store.readBullJobs(bullmqSchema, queue, ids),
      readOutcomes: (queue, ids) => store.readBullOutcomes(bullmqSchema, queue, ids),
      delayWaiting: (queue, id, runAtMs, delayMs) => store.delayWaitingBullJob(bullmqSchema, queue.name, id, runAtMs, delayMs),
      trimEvents: (queue, bound) => store.trimBullEvents(bullmqSchema, queue, bound),
      recheckEvents: (...args) => store.recheckBullEvents(bullmqSchema, ...args),
      // BullMQ's trim stays a backstop far behind the engine's stepwise one (stream-trim.ts).
      streamMaxLen: 100_000,
    },
    store,
    alerts,
    ping: () => store.ping(),
    availability,
    async close() {
      availability.stop();
      await alerts.close();
      await store.close();
      await server?.stop();
    },
  };
}

/** ioredis options from a redis:// URL (BullMQ wants options, with no per-request retry limit). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Back within a second of the server (BullMQ's own default backs off up to 20 s).
    retryStrategy: (times: number) => Math.min(times * 100, 1_000),
  };
}

async function openRedis(url: string, options: OpenDatastoreOptions): Promise<Datastore> {
  const description = redactSpec(url);
  const connection = redisOptionsFromUrl(url);
  const prefix = options.prefix ?? 'sigmatiq';
  const probe = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 10_000, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
  } catch (error) {
    probe.disconnect();
    throw unreachable(description, error, 'Start the Redis server (6.2 or newer) or correct the URL and password.');
  }
  try {
    let policy: string | null = null;
    try {
      const reply = (await probe.config('GET', 'maxmemory-policy')) as string[];
      policy = reply[1] ?? null;
    } catch {
      policy = null; // CONFIG disabled (managed Redis): we cannot check; BullMQ warns on its own.
    }
    if (policy !== null && policy !== 'noeviction') {
      throw new Error(
        `datastore '${description}': Redis evicts keys (maxmemory-policy is '${policy}'), which would silently lose jobs. ` +
          `Set 'maxmemory-policy noeviction' (redis.conf, or CONFIG SET maxmemory-policy noeviction) and start again.`,
      );
    }
  } finally {
    probe.disconnect();
  }
  const store = await openRedisStore({ connection, prefix });
  let alerts: AlertStore;
  try {
    alerts = await openRedisAlertStore({ connection, prefix });
  } catch (error) {
    await store.close();
    throw error;
  }
  const factory = createRedisBackend as unknown as BackendFactory<IQueueBackend, unknown>;
  // No offline queue and no resend after a reconnect: a command either runs now or fails now.
  const producer: RedisOptions = { ...connection, maxRetriesPerRequest: 0, enableOfflineQueue: false, autoResendUnfulfilledCommands: false };
  const availability = watch(description, 'Redis', () => store.ping(), options);
  return {
    kind: 'redis',
    description,
    bullmq: {
      classes: withBackend(factory),
      factory,
      options: () => ({ connection, prefix }),
      producerOptions: () => ({ connection: producer, prefix }),
      delayWaiting: redisDelayWaiting,
    },
    store,
    alerts,
    ping: () => store.ping(),
    availability,
    async close() {
      availability.stop();
      await alerts.close();
      await store.close();
    },
  };
}
