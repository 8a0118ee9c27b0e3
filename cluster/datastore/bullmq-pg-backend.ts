/**
 * BullMQ's PostgreSQL backend with every connection heard when it fails: each BullMQ instance
 * (Queue, Worker, QueueEvents, FlowProducer) gets a `pg.Pool` of its own, built here from the pool
 * config in its `connection` option, and every client of that pool has an 'error' listener from
 * the moment it is connected.
 *
 * Why: BullMQ attaches its own 'error' listener to the connection it LISTENs on only after
 * `await connect()` returns. When PostgreSQL shuts down (a restart or failover: `pg_ctl stop -m
 * fast`) while that connection is being made, the server's ReadyForQuery and its FATAL
 * "terminating connection due to administrator command" (57P01) come in one read; pg parses both
 * before the awaiting code runs and emits 'error' on a client nobody listens to, which Node throws
 * as an uncaught exception — ending a `serve` or `worker` node on every PostgreSQL restart. Given a
 * config, BullMQ builds that connection with `new pg.Client` out of our reach; given a pool, it
 * takes the connection from the pool, whose 'connect' event fires synchronously as the connection
 * becomes ready, before the rest of that read is parsed.
 */
import { createPostgresBackend, DEFAULT_SCHEMA, quoteSchemaName, type BackendFactory, type IQueueBackend } from 'bullmq';
import pg from 'pg';

/**
 * The schema of BullMQ's tables. BullMQ handed a pool checks its tables in its default schema, so
 * that is where they are; the pool's `search_path` points there.
 */
export const BULLMQ_SCHEMA = DEFAULT_SCHEMA;

/** Idle time before TCP keepalive probes a connection, so a silently dropped LISTEN is noticed in seconds. */
const KEEPALIVE_DELAY_MS = 10_000;

/** Gives every client of `pool` an 'error' listener as soon as it is connected. */
export function keepClientErrorsHeard(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    client.on('error', () => {
      // Only keeps an error from being thrown while nobody else listens yet. pg follows every fatal
      // error of a connected client with "Connection terminated unexpectedly" once its socket
      // closes; by then BullMQ listens on its LISTEN connection (and rebuilds it on that error, as
      // its reconnect logic does) and the pool on its idle clients, so nothing is lost here.
    });
  });
}

/**
 * A drop-in for `createPostgresBackend` taking the same pool config as `connection`: the pool it
 * builds is ended when the BullMQ instance closes. `max` counts the queries' connections; a
 * Worker's or QueueEvents' LISTEN connection is one more, taken from the same pool.
 */
export const guardedPostgresBackend: BackendFactory<IQueueBackend, pg.PoolConfig> = (name, opts, factoryOptions) => {
  const config = opts.connection;
  const pool = new pg.Pool({
    ...config,
    max: (config.max ?? 4) + 1,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    options: [config.options, `-c search_path=${quoteSchemaName(BULLMQ_SCHEMA)}`].filter(Boolean).join(' '),
  });
  keepClientErrorsHeard(pool);
  const backend = createPostgresBackend(name, { ...opts, connection: pool }, factoryOptions);
  backend.on('close', () => void pool.end().catch(() => undefined));
  return backend;
};
