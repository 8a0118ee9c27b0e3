/**
 * BullMQ's LISTEN connection terminated by PostgreSQL at the moment it becomes ready (the server
 * shutting down): the ReadyForQuery and the FATAL 57P01 arrive in one read. A real server cannot be
 * made to time its shutdown that exactly, so a few lines of the wire protocol stand in for it: the
 * first connection gets both messages in one write and is closed, later ones are served as ready.
 * Without the guard pg emits 'error' on the client before BullMQ listens to it and the run ends
 * with an uncaught "terminating connection due to administrator command".
 */
import net from 'node:net';
import type { PostgresQueueBackend } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { guardedPostgresBackend } from './bullmq-pg-backend.ts';

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'ascii');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const authenticationOk = message('R', Buffer.from([0, 0, 0, 0]));
const readyForQuery = message('Z', Buffer.from('I'));
const adminShutdown = message(
  'E',
  Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0', 'utf8'),
);

/** Answers each connection's startup message; the first one is terminated as it becomes ready. */
async function shuttingDownServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const nth = ++connections;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (nth === 1) {
        socket.end(Buffer.concat([authenticationOk, readyForQuery, adminShutdown]));
      } else {
        socket.write(Buffer.concat([authenticationOk, readyForQuery]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgres://sigmatiq@127.0.0.1:${port}/postgres`,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('guardedPostgresBackend', () => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  it('survives a LISTEN connection terminated as it becomes ready, and BullMQ opens a new one', async () => {
    const server = await shuttingDownServer();
    cleanup.push(server.close);
    const backend = guardedPostgresBackend('backtest', { connection: { connectionString: server.url } }, { blocking: true }) as PostgresQueueBackend;
    const errors: string[] = [];
    backend.on('error', (e: Error) => errors.push(e.message));
    const invalidated = new Promise<void>((resolve) => backend.connection.once('listenerinvalidated', () => resolve()));

    await backend.connection.getListenClient();
    // pg's follow-up error once the socket closes reaches BullMQ, which drops the dead connection.
    await invalidated;
    expect(errors).toContain('Connection terminated unexpectedly');

    await backend.connection.getListenClient();
    expect(server.connections()).toBe(2);

    await backend.close();
    expect((backend.connection.pool as unknown as { ended: boolean }).ended).toBe(true);
  });
});
