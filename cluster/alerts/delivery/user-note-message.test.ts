import { describe, expect, it } from 'vitest';
import { userNoteEmail, userNoteSlack, userNoteSms, type UserNote } from './user-note-message.ts';

const note: UserNote = { user: 'ana', jobId: 'backtest-42', action: 'force-stop', note: 'It held every worker for 3 h.\nPlease split it.', by: 'alice', at: '2026-03-01T12:00:00.000Z' };

describe('a note to a job owner', () => {
  it('says which job, what was done and by whom, and quotes the note', () => {
    const mail = userNoteEmail(note, 'prod', 'https://admin.example.com/#/jobs/backtest-42');
    expect(mail.subject).toBe('[prod] Your job backtest-42 was force stopped by alice');
    expect(mail.text).toContain('Note from alice:\nIt held every worker for 3 h.\nPlease split it.');
    expect(mail.html).toContain('It held every worker for 3 h.<br>Please split it.');
    expect(userNoteSlack(note, 'prod', 'https://admin.example.com/#/jobs/backtest-42').text).toBe('Your job backtest-42 was force stopped by alice (prod)');
    expect(userNoteSms(note, 'prod')).toBe('[prod] Your job backtest-42 was force stopped by alice: It held every worker for 3 h. Please split it.');
  });

  it('keeps an operator-written note from adding headers or markup', () => {
    const sly = { ...note, by: 'x\r\nBcc: all@example.com', note: '<script>alert(1)</script>' };
    const mail = userNoteEmail(sly, 'prod', 'https://a.example.com');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain('<script>');
    expect(userNoteSlack(sly, 'prod', 'https://a.example.com').blocks[0]).toMatchObject({ text: { text: expect.stringContaining('&lt;script&gt;') } });
  });

  it('cuts a long note to two SMS segments', () => {
    const text = userNoteSms({ ...note, note: 'x'.repeat(1000) }, 'prod');
    expect(text).toHaveLength(320);
    expect(text.endsWith('…')).toBe(true);
  });

  it('links the job with a Slack button only for an http(s) admin URL (Slack refuses any other)', () => {
    expect(userNoteSlack(note, 'prod', 'https://admin.example.com/').blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ url: 'https://admin.example.com/' }] });
    expect(userNoteSlack(note, 'prod', 'sigmatiq://alerts').blocks.map((b) => b.type)).toEqual(['section']);
  });
});
