/**
 * When a delayed job may run, as the admin chooses it: until a local date and time (the
 * browser's datetime-local value, which has no zone: it is read in the admin's own time zone and
 * sent as an ISO instant) or by a duration in minutes or hours. Checked here before anything is
 * sent, with the words the dialog shows; the cluster checks again (MAX_DELAY_SECONDS).
 */
import { MAX_DELAY_SECONDS } from '../../contract/api.ts';
import type { CachedJob } from '../../contract/admin-api.ts';
import type { DelayBody } from '../api/delay-commands.ts';

export type DelayMode = 'duration' | 'until';
export type DurationUnit = 'minutes' | 'hours';

export interface DelayChoice {
  mode: DelayMode;
  /** The number typed, as typed. */
  amount: string;
  unit: DurationUnit;
  /** A datetime-local value, "2026-12-02T18:00", in the admin's time zone; '' when none is chosen. */
  untilLocal: string;
}

export type DelayCheck = { ok: true; body: DelayBody; runAt: number } | { ok: false; message: string };

const UNIT_SECONDS: Record<DurationUnit, number> = { minutes: 60, hours: 3600 };

/** A datetime-local value for an instant, in the admin's time zone, to the minute. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant of a datetime-local value, read in the admin's time zone; null when it is not one. */
export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return null;
  // A date-time without an offset is local time (ECMAScript's Date.parse), as the input shows it.
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The choice a dialog opens with: one hour from now, and the next full hour as the time. */
export function defaultDelayChoice(now: number): DelayChoice {
  const nextHour = Math.ceil((now + 60_000) / 3_600_000) * 3_600_000;
  return { mode: 'duration', amount: '1', unit: 'hours', untilLocal: toLocalInput(nextHour) };
}

/** Whether the choice can be sent, and if not, what to change. */
export function checkDelay(choice: DelayChoice, now: number): DelayCheck {
  if (choice.mode === 'duration') {
    const text = choice.amount.trim();
    if (text === '') return { ok: false, message: `Enter how many ${choice.unit} to delay by.` };
    const amount = Number(text);
    if (!Number.isFinite(amount) || amount <= 0) return { ok: false, message: `Enter a number of ${choice.unit} above zero.` };
    const seconds = Math.round(amount * UNIT_SECONDS[choice.unit]);
    if (seconds < 60) return { ok: false, message: 'Delay by at least 1 minute.' };
    if (seconds > MAX_DELAY_SECONDS) return { ok: false, message: 'Delay by at most 90 days; for later runs, create a schedule.' };
    return { ok: true, body: { seconds }, runAt: now + seconds * 1000 };
  }
  if (choice.untilLocal === '') return { ok: false, message: 'Choose the date and time the job may run.' };
  const until = fromLocalInput(choice.untilLocal);
  if (until === null) return { ok: false, message: 'Enter a whole date and time (day, month, year, hour and minute).' };
  if (until <= now) return { ok: false, message: 'That time has passed: choose a later one, or use Run now to run the job at once.' };
  if (until > now + MAX_DELAY_SECONDS * 1000) return { ok: false, message: 'Choose a time at most 90 days ahead; for later runs, create a schedule.' };
  return { ok: true, body: { until: new Date(until).toISOString() }, runAt: until };
}

/** The time a pending job is delayed until, or null when it is in line (or not pending). */
export function delayedUntil(job: Pick<CachedJob, 'state' | 'runAt'>, now: number): number | null {
  if (job.state !== 'pending' || !job.runAt) return null;
  const at = Date.parse(job.runAt);
  return at > now ? at : null;
}

/** The admin's time zone as the dialog names it ("Europe/Berlin", or "UTC+01:00" where the browser has no name). */
export function localZoneName(at: number): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) return zone;
  const offset = -new Date(at).getTimezoneOffset();
  const abs = Math.abs(offset);
  return `UTC${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
