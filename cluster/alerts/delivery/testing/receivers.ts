/**
 * Real receivers for delivery tests, started by the tests on free loopback ports: an SMTP server
 * (the `smtp-server` package, with or without a login) and one HTTP server playing Slack's
 * incoming webhooks, Twilio's Messages API and a generic webhook receiver. Each records what it
 * received, raw, so a test checks what went over the wire.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  /** The raw message (headers and body). */
  raw: string;
  /** The text/plain part, decoded from quoted-printable. */
  text: string;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  mails: ReceivedMail[];
  stop(): Promise<void>;
}

/** "=?UTF-8?Q?…?=" and "=?UTF-8?B?…?=" encoded words, as nodemailer writes non-ASCII headers. */
function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_m, _charset: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function parseMail(raw: string): { subject: string; text: string } {
  const [head = ''] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = decodeWords(/^subject: (.*)$/im.exec(unfolded)?.[1] ?? '');
  const part = /content-type: text\/plain[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?\r?\n([\s\S]*?)(?:\r?\n--|$)/i.exec(raw);
  const qp = part && /content-transfer-encoding: quoted-printable/i.test(raw.slice(Math.max(0, (part.index ?? 0) - 10), (part.index ?? 0) + part[0].indexOf(part[1]!)));
  return { subject, text: part ? (qp ? decodeQuotedPrintable(part[1]!) : part[1]!) : '' };
}

/** An SMTP server on 127.0.0.1 without TLS; with `login`, only that username and password are let in. */
export async function startSmtpReceiver(login?: { username: string; password: string }): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !login,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.username && auth.password === login.password) return callback(null, { user: auth.username });
      const error = new Error('Authentication credentials invalid') as Error & { responseCode: number };
      error.responseCode = 535;
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parseMail(raw),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { host: '127.0.0.1', port, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  /** The body exactly as received. */
  body: string;
  at: number;
}

/** What the receiver answers on one path: a status and a body (a function may decide per request). */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface HttpReceiver {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: ReceivedRequest[];
  /** Requests to one path (exact). */
  on(path: string): ReceivedRequest[];
  /** Sets what a path answers (default 200 "ok"; Twilio paths 201 with a message JSON). */
  answer(path: string, answer: Answer | ((req: ReceivedRequest) => Answer)): void;
  stop(): Promise<void>;
}

/** One HTTP server for Slack, Twilio and webhook paths; every request is recorded before it is answered. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const answers = new Map<string, Answer | ((req: ReceivedRequest) => Answer)>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const received: ReceivedRequest = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(received);
      const configured = answers.get(path);
      const answer = typeof configured === 'function' ? configured(received) : configured;
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      const twilio = /\/Messages\.json$/.test(path);
      const { status, body, headers } = answer ?? (twilio ? { status: 201, body: JSON.stringify({ sid: `SM${String(requests.length).padStart(32, '0')}`, status: 'queued' }) } : { status: 200, body: 'ok' });
      res.writeHead(status, { 'content-type': twilio ? 'application/json' : 'text/plain', ...headers });
      res.end(body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path) => requests.filter((r) => r.path === path),
    answer: (path, answer) => answers.set(path, answer),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
