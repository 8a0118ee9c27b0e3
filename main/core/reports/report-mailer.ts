/**
 * Emailed reports: the SMTP server (in `report-mail.json` in the data folder) and its password
 * (with the app's secrets, never in a file of settings or the cache), and one message per
 * scheduled run with the report attached. Failures come back in words; the report file is written
 * either way.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { ReportMailServer, type ReportMailUpdate, type ReportMailView } from '../../../contract/report-api.ts';
import type { SecretStore } from '../ports.ts';

const PASSWORD_KEY = 'report-mail-password';

export class ReportMailer {
  constructor(
    private readonly file: string,
    private readonly secrets: SecretStore,
    private readonly log?: (line: string) => void,
  ) {}

  private server(): ReportMailServer | null {
    if (!existsSync(this.file)) return null;
    try {
      return ReportMailServer.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (error) {
      this.log?.(`report mail: ${this.file} could not be read (${(error as Error).message.split('\n')[0]}); set the SMTP server again in Reports`);
      return null;
    }
  }

  async view(): Promise<ReportMailView | null> {
    const server = this.server();
    return server ? { ...server, passwordSet: (await this.secrets.get(PASSWORD_KEY)) !== null } : null;
  }

  async update(update: ReportMailUpdate | null): Promise<ReportMailView | null> {
    if (update === null) {
      rmSync(this.file, { force: true });
      await this.secrets.delete(PASSWORD_KEY);
      return null;
    }
    const { password, ...rest } = update;
    const server = ReportMailServer.parse(rest);
    writeFileSync(this.file, JSON.stringify(server, null, 1));
    if (password === null) await this.secrets.delete(PASSWORD_KEY);
    else if (password !== undefined) await this.secrets.set(PASSWORD_KEY, password);
    return this.view();
  }

  /** Send a report; resolves with what happened in words (never throws). */
  async send(to: readonly string[], subject: string, text: string, attachment: { filename: string; content: Uint8Array }): Promise<string> {
    const server = this.server();
    if (!server) return 'not emailed: no SMTP server is set for reports (Reports → Scheduled reports → Email server)';
    const password = await this.secrets.get(PASSWORD_KEY);
    const transport = nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: server.secure,
      ...(server.username ? { auth: { user: server.username, pass: password ?? '' } } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    try {
      await transport.sendMail({ from: server.from, to: [...to], subject, text, attachments: [{ filename: attachment.filename, content: Buffer.from(attachment.content) }] });
      return `emailed to ${to.join(', ')}`;
    } catch (error) {
      const e = error as { code?: string; responseCode?: number; message?: string };
      const why =
        e.code === 'EAUTH'
          ? 'the SMTP server refused the login: check the user name and password'
          : e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKET' || e.code === 'EDNS'
            ? `could not reach ${server.host}:${server.port} (${e.message ?? e.code}): check the host and port`
            : (e.message ?? String(error));
      return `not emailed: ${why}`;
    } finally {
      transport.close();
    }
  }
}
