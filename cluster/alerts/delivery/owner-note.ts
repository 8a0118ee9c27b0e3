/**
 * "Notify user" on job actions: an operator who stops, force-stops, cancels or retries a job may
 * leave a note for its owner. The job route checks the action takes a note before acting, acts,
 * and then hands the note to the delivery queue (which reaches the user through the cluster's user
 * directory); what became of the note is answered and audited in words.
 */
import { NOTE_ACTIONS } from '../../../contract/api.ts';
import type { JobAction } from '../../../contract/domain.ts';
import type { NotifyUserInput, NotifyUserResult } from './delivery-queue.ts';

export type NotifyUser = (input: NotifyUserInput) => Promise<NotifyUserResult>;

const WAY_WORDS = { email: 'email', sms: 'SMS', slack: 'Slack' } as const;

export type NoteAction = (typeof NOTE_ACTIONS)[number];

export function isNoteAction(action: JobAction): action is NoteAction {
  return (NOTE_ACTIONS as readonly string[]).includes(action);
}

/** Why this action cannot carry a note, or null when it can. */
export function noteActionProblem(action: JobAction): string | null {
  return isNoteAction(action) ? null : `a note goes with ${NOTE_ACTIONS.join(', ')}; ${action} does not take one — leave the note out`;
}

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** Hands the note to the delivery queue; answers what became of it, in words (never throws for a user not found). */
export async function sendOwnerNote(notify: NotifyUser, input: NotifyUserInput): Promise<string> {
  const result = await notify(input);
  const problems = result.problems.length > 0 ? ` (${result.problems.join('; ')})` : '';
  if (result.queued.length === 0) return `note for ${input.user} not sent${problems}`;
  return `note for ${input.user} on its way by ${list(result.queued.map((w) => WAY_WORDS[w]))}${problems}`;
}
