/**
 * Email over SMTP with nodemailer: one connection per message (alerts are rare; a pool would hold
 * a connection open to a server that may drop it). TLS from the start when `secure`, otherwise
 * STARTTLS when the server offers it. nodemailer's error codes become what to do; the password
 * never appears (nodemailer does not echo it, and only the server's answer is quoted).
 */
import nodemailer from 'nodemailer';
import { DeliveryError, connectionErrorInWords } from './delivery-error.ts';
import type { EmailMessage } from '../message-format.ts';

export interface SmtpServer {
  host: string;
  port: number;
  secure?: boolean | undefined;
  username?: string | undefined;
  password?: string | undefined;
  from: string;
}

/** Per step (connect, greeting, each command): a dead server fails the attempt instead of holding it. */
export const SMTP_TIMEOUT_MS = 15_000;

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  rejected?: string[];
  command?: string;
}

function serverSaid(e: SmtpError): string {
  return e.response ? ` (server said: ${e.response.replace(/\s+/g, ' ').slice(0, 200)})` : '';
}

export function smtpErrorInWords(error: unknown, server: Pick<SmtpServer, 'host' | 'port'>, timeoutMs = SMTP_TIMEOUT_MS): DeliveryError {
  const e = (error ?? {}) as SmtpError;
  const where = `${server.host}:${server.port}`;
  switch (e.code) {
    case 'EAUTH':
      return new DeliveryError(`SMTP server refused login${serverSaid(e)} — check the username and password`, { retryable: false });
    case 'ENOAUTH':
      return new DeliveryError('the SMTP server wants a login — give the channel a username and password', { retryable: false });
    case 'EENVELOPE':
      return new DeliveryError(
        `the SMTP server refused ${e.rejected?.length ? `the recipient${e.rejected.length > 1 ? 's' : ''} ${e.rejected.join(', ')}` : 'the sender or recipients'}${serverSaid(e)} — check the channel's from and to addresses`,
        { retryable: false },
      );
    case 'ETLS':
      return new DeliveryError(`TLS with ${where} failed${serverSaid(e)} — for port 465 set secure, for 587 or 25 leave it off`, { retryable: false });
    case 'EDNS':
      return new DeliveryError(`could not connect to ${where} (no such host) — check host and port`, { retryable: true });
    case 'ETIMEDOUT':
      return new DeliveryError(`${where} did not answer within ${Math.round(timeoutMs / 1000)} s — check host and port, and that the cluster may reach it`, { retryable: true });
    case 'ECONNECTION':
    case 'ESOCKET': {
      // nodemailer replaces the socket's code with its own and keeps it only in the message ("connect ECONNREFUSED …").
      const socketCode = /\b(E[A-Z]{4,}|ERR_TLS_[A-Z_]+)\b/.exec((error as Error).message ?? '')?.[1];
      return connectionErrorInWords(socketCode !== undefined && socketCode !== e.code ? { code: socketCode } : error, where, timeoutMs);
    }
    case 'EPROTOCOL':
      return new DeliveryError(`${where} does not speak SMTP as expected${serverSaid(e)} — check host and port (465 needs secure)`, { retryable: false });
    case 'EMESSAGE':
    default: {
      if (e.responseCode !== undefined) {
        const temporary = e.responseCode >= 400 && e.responseCode < 500;
        return new DeliveryError(`the SMTP server refused the message${serverSaid(e)}${temporary ? ' — it is retried' : ''}`, { retryable: temporary });
      }
      return connectionErrorInWords(error, where, timeoutMs);
    }
  }
}

/** Sends one email to every recipient; answers what the server accepted, in words. */
export async function sendEmail(server: SmtpServer, to: readonly string[], message: EmailMessage, timeoutMs = SMTP_TIMEOUT_MS): Promise<string> {
  const transport = nodemailer.createTransport({
    host: server.host,
    port: server.port,
    secure: server.secure ?? false,
    ...(server.username !== undefined ? { auth: { user: server.username, pass: server.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Never log: the transcript would carry the AUTH exchange.
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({ from: server.from, to: [...to], subject: message.subject, text: message.text, html: message.html });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) {
      throw new DeliveryError(`the SMTP server refused ${rejected.join(', ')} (accepted ${info.accepted.length}) — check the channel's to addresses`, { retryable: false });
    }
    return `${server.host}:${server.port} accepted the email to ${to.length === 1 ? to[0] : `${to.length} recipients`}`;
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw smtpErrorInWords(error, server, timeoutMs);
  } finally {
    transport.close();
  }
}
