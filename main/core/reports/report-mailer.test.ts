import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobCache } from '../cache/job-cache.ts';
import { openCacheDatabase } from '../cache/open-cache-database.ts';
import { MemorySecretStore } from '../testing/memory-ports.ts';
import { ReportMailer } from './report-mailer.ts';
import { SavedReports } from './saved-reports.ts';
import { runScheduledReport } from './scheduled-report.ts';
import { fillReportCache } from './testing/report-fixture.ts';

let dir: string;
let server: SMTPServer;
let port: number;
const mails: { to: string[]; raw: string }[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-report-mail-'));
  mails.length = 0;
  server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _s, cb) {
      if (auth.username === 'reports' && auth.password === 's3cret') return cb(null, { user: 'reports' });
      cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('emailed scheduled reports', { timeout: 60_000 }, () => {
  it('sends the report as an attachment through a real SMTP server, the password kept with the secrets', async () => {
    const secrets = new MemorySecretStore();
    const mailer = new ReportMailer(path.join(dir, 'report-mail.json'), secrets);
    const view = await mailer.update({ host: '127.0.0.1', port, username: 'reports', password: 's3cret', from: 'reports@example.com' });
    expect(view).toMatchObject({ host: '127.0.0.1', port, passwordSet: true });
    expect(readFileSync(path.join(dir, 'report-mail.json'), 'utf8')).not.toContain('s3cret');
    const cache = new JobCache(openCacheDatabase({ file: ':memory:' }).db);
    const due = Date.parse('2026-12-02T07:00:00Z');
    fillReportCache(cache, { days: 3, jobsPerDay: 50, endMs: due });
    const result = await runScheduledReport(
      { cache, saved: new SavedReports(path.join(dir, 'reports')), mailer, now: () => due },
      { schedule: { id: 'daily', kind: 'daily-summary', at: '07:00', period: 'previous-day', format: 'pdf', emailTo: ['oncall@example.com'], enabled: true }, due, note: null },
    );
    expect(result).toMatch(/^wrote .*\.pdf; emailed to oncall@example\.com$/);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['oncall@example.com']);
    // The subject has a middle dot, so it travels as an encoded word (spaces as _).
    expect(mails[0]!.raw).toMatch(/Subject: (=\?UTF-8\?Q\?)?Daily[ _]summary/);
    expect(mails[0]!.raw).toMatch(/Content-Type: application\/pdf; name=daily-summary-.*\.pdf/);
    cache.close();
  });

  it('says in words when the login is refused or the server cannot be reached; the file is written anyway', async () => {
    const mailer = new ReportMailer(path.join(dir, 'report-mail.json'), new MemorySecretStore());
    await mailer.update({ host: '127.0.0.1', port, username: 'reports', password: 'wrong', from: 'reports@example.com' });
    const attachment = { filename: 'r.json', content: new TextEncoder().encode('{}') };
    expect(await mailer.send(['a@example.com'], 's', 't', attachment)).toMatch(/^not emailed: the SMTP server refused the login: check the user name and password$/);
    await mailer.update({ host: '127.0.0.1', port: 1, from: 'reports@example.com' });
    expect(await mailer.send(['a@example.com'], 's', 't', attachment)).toMatch(/^not emailed: could not reach 127\.0\.0\.1:1 .*check the host and port$/);
    expect(await new ReportMailer(path.join(dir, 'none.json'), new MemorySecretStore()).send(['a@example.com'], 's', 't', attachment)).toMatch(/no SMTP server is set for reports/);
    expect(await mailer.update(null)).toBeNull();
    expect(await mailer.view()).toBeNull();
  });
});
