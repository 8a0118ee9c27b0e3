/**
 * Scheduled reports: each schedule makes its report every day at a local time, for the day (or
 * 7 or 30 days) before. A run that fell while the app was closed is made at the next start, with a
 * note saying which run it stands for. Schedules and what each last did are kept in
 * `report-schedules.json` in the data folder; a file that cannot be read is moved aside (never
 * overwritten) and the app starts without schedules, saying so in the log.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ReportSchedule, type ReportScheduleState, type SchedulePeriod } from '../../../contract/report-api.ts';
import { localDay } from './report-period.ts';

const CHECK_EVERY_MS = 30_000;
/** A run made later than this after its time says it was missed. */
const LATE_MS = 2 * 60_000;

const RunState = z.object({ lastDueAt: z.string().nullable(), lastRunAt: z.string().nullable(), lastResult: z.string().nullable() });
type RunState = z.infer<typeof RunState>;
const ScheduleFile = z.object({ schedules: z.array(ReportSchedule), runs: z.record(z.string(), RunState) });
type ScheduleFile = z.infer<typeof ScheduleFile>;

/** The latest time at or before `now` that a schedule at local `HH:MM` is due. */
export function latestDue(at: string, now: number): number {
  const [hh, mm] = at.split(':').map(Number) as [number, number];
  const d = new Date(now);
  const today = new Date(d.getFullYear(), d.getMonth(), d.getDate(), hh, mm).getTime();
  if (today <= now) return today;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, hh, mm).getTime();
}

export function nextDue(at: string, now: number): number {
  const [hh, mm] = at.split(':').map(Number) as [number, number];
  const last = new Date(latestDue(at, now));
  return new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1, hh, mm).getTime();
}

/** The whole days a run due at `due` covers: ending with the day before. */
export function periodOfRun(period: SchedulePeriod, due: number): { from: string; to: string } {
  const d = new Date(due);
  const days = period === 'previous-day' ? 1 : period === 'previous-7-days' ? 7 : 30;
  const to = localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1).getTime());
  const from = localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - days).getTime());
  return { from, to };
}

export interface ScheduledRun {
  schedule: ReportSchedule;
  due: number;
  /** Set when the run is made late (the app was closed at its time). */
  note: string | null;
}

export interface ReportSchedulerOptions {
  file: string;
  /** Make and write the report; answers the result in words (e.g. "wrote /…/x.pdf"). */
  run: (run: ScheduledRun) => Promise<string>;
  now?: () => number;
  log?: (line: string) => void;
}

export class ReportScheduler {
  private data: ScheduleFile = { schedules: [], runs: {} };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly o: ReportSchedulerOptions) {
    this.now = o.now ?? Date.now;
  }

  private load(): void {
    if (!existsSync(this.o.file)) return;
    try {
      this.data = ScheduleFile.parse(JSON.parse(readFileSync(this.o.file, 'utf8')));
    } catch (error) {
      const aside = `${this.o.file}.unreadable-${new Date(this.now()).toISOString().replaceAll(':', '-')}`;
      renameSync(this.o.file, aside);
      this.o.log?.(`report schedules: ${this.o.file} could not be read (${(error as Error).message.split('\n')[0]}); moved to ${aside}, starting without schedules`);
    }
  }

  private save(): void {
    writeFileSync(this.o.file, JSON.stringify(this.data, null, 1));
  }

  /** Load the schedules, make the runs missed while the app was closed, then keep time. */
  async start(): Promise<void> {
    this.load();
    await this.tick();
    this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Make every run that is due and not made yet, one at a time. */
  tick(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (const schedule of this.data.schedules) {
          if (!schedule.enabled) continue;
          const now = this.now();
          const due = latestDue(schedule.at, now);
          const state = this.data.runs[schedule.id] ?? { lastDueAt: null, lastRunAt: null, lastResult: null };
          if (state.lastDueAt !== null && Date.parse(state.lastDueAt) >= due) continue;
          const late = now - due > LATE_MS;
          const note = late
            ? `made at ${new Date(now).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })} for the run of ${new Date(due).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}, missed while the app was closed`
            : null;
          let result: string;
          try {
            result = await this.o.run({ schedule, due, note });
          } catch (error) {
            result = `failed: ${(error as Error).message}`;
            this.o.log?.(`report schedule ${schedule.id}: ${result}`);
          }
          this.data.runs[schedule.id] = { lastDueAt: new Date(due).toISOString(), lastRunAt: new Date(this.now()).toISOString(), lastResult: note ? `${result} (${note})` : result };
          this.save();
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  states(): ReportScheduleState[] {
    const now = this.now();
    return this.data.schedules.map((schedule) => {
      const run = this.data.runs[schedule.id];
      return {
        schedule,
        lastRunAt: run?.lastRunAt ?? null,
        lastResult: run?.lastResult ?? null,
        nextRunAt: schedule.enabled ? new Date(nextDue(schedule.at, now)).toISOString() : null,
      };
    });
  }

  /**
   * Replace the schedules. A new schedule (or one whose time changed) starts with its next time:
   * a time already past today is not a missed run.
   */
  set(schedules: readonly ReportSchedule[]): ReportScheduleState[] {
    const ids = new Set<string>();
    for (const s of schedules) {
      if (ids.has(s.id)) throw new Error(`two schedules are called '${s.id}': give each its own id`);
      ids.add(s.id);
    }
    const now = this.now();
    const runs: ScheduleFile['runs'] = {};
    for (const s of schedules) {
      const before = this.data.schedules.find((x) => x.id === s.id);
      const kept = this.data.runs[s.id];
      runs[s.id] = before && before.at === s.at && kept ? kept : { lastDueAt: new Date(latestDue(s.at, now)).toISOString(), lastRunAt: kept?.lastRunAt ?? null, lastResult: kept?.lastResult ?? null };
    }
    this.data = { schedules: [...schedules], runs };
    this.save();
    return this.states();
  }
}

