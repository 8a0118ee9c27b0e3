/**
 * A TCP proxy in front of a cluster for tests: `cut()` drops every connection (a network blip),
 * `retarget()` follows a restarted cluster to its new port, and with `tls` it terminates TLS with a
 * test certificate (a cluster behind an HTTPS reverse proxy).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export class TcpProxy {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private targetPort: number,
    tls?: { key: string | Buffer; cert: string | Buffer },
  ) {
    const onConnection = (client: Socket) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    };
    this.server = tls ? createTlsServer(tls, onConnection) : createServer(onConnection);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** Drop every open connection. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  retarget(port: number): void {
    this.targetPort = port;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
