/**
 * What a job's owner receives when an operator stops, cancels or retries their job with a note:
 * an email, a Slack message and an SMS text, as pure functions. They say which job, what was done,
 * by whom, and the operator's note word for word, with a link to the job in the admin app.
 */
import { z } from 'zod';
import type { EmailMessage, SlackMessage } from '../message-format.ts';

export const USER_NOTE_ACTIONS = ['stop', 'force-stop', 'cancel', 'retry'] as const;

/** A note to one user about one job, as the delivery queue carries it. */
export const UserNote = z.object({
  user: z.string().min(1).max(100),
  jobId: z.string().min(1).max(300),
  action: z.enum(USER_NOTE_ACTIONS),
  note: z.string().min(1).max(2000),
  /** Who acted (the token's name). */
  by: z.string().max(200),
  at: z.string(),
});
export type UserNote = z.infer<typeof UserNote>;

const DONE: Record<UserNote['action'], string> = { stop: 'stopped', 'force-stop': 'force stopped', cancel: 'cancelled', retry: 'retried' };

// eslint-disable-next-line no-control-regex
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

function headline(n: UserNote): string {
  return `Your job ${oneLine(n.jobId)} was ${DONE[n.action]} by ${oneLine(n.by)}`;
}

export function userNoteEmail(n: UserNote, cluster: string, jobUrl: string): EmailMessage {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return {
    subject: `[${oneLine(cluster)}] ${headline(n)}`,
    text: `${headline(n)} on cluster ${cluster}.\n\nNote from ${n.by}:\n${n.note}\n\nOpen the job: ${jobUrl}\n`,
    html: `<p>${escape(headline(n))} on cluster <strong>${escape(cluster)}</strong>.</p><p>Note from ${escape(n.by)}:</p><blockquote>${escape(n.note).replace(/\n/g, '<br>')}</blockquote><p><a href="${escape(jobUrl)}">Open the job</a></p>`,
  };
}

export function userNoteSlack(n: UserNote, cluster: string, jobUrl: string): SlackMessage {
  const mrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const text = `${headline(n)} (${oneLine(cluster)})`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwn(text)}*\n>${mrkdwn(n.note).replace(/\n/g, '\n>')}` } },
      // Slack refuses a message whose button links anywhere but http(s) (e.g. the app's own scheme).
      ...(/^https?:\/\//i.test(jobUrl) ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the job' }, url: jobUrl }] }] : []),
    ],
  };
}

/** One SMS: the headline and as much of the note as fits 320 characters (two segments). */
export function userNoteSms(n: UserNote, cluster: string): string {
  const text = `[${oneLine(cluster)}] ${headline(n)}: ${oneLine(n.note)}`;
  return text.length <= 320 ? text : `${text.slice(0, 319)}…`;
}
