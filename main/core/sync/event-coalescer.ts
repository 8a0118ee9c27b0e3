/**
 * Coalesces live job events per job: of many events for one job between two writes, only the last
 * record matters (a running job may report progress many times a second). Batches are cut by size
 * or time by the caller; this keeps the newest record per job (in order of first change) and the last id.
 */
import type { Job } from '../../../contract/jobs.ts';

export interface CoalescedBatch {
  jobs: Job[];
  removed: string[];
  /** The id of the last event folded in. */
  lastEventId: string | null;
  /** How many events went into it. */
  events: number;
}

export class EventCoalescer {
  /** job id → its newest record, or null when its last event removed it. */
  private readonly latest = new Map<string, Job | null>();
  private lastEventId: string | null = null;
  private events = 0;

  get size(): number {
    return this.events;
  }

  /** A job changed: keep only its newest record. */
  addJob(eventId: string, job: Job): void {
    this.latest.set(job.id, job);
    this.note(eventId);
  }

  /** A job was deleted: a later upsert of the same id (re-created) would win again. */
  addRemoval(eventId: string, jobId: string): void {
    this.latest.set(jobId, null);
    this.note(eventId);
  }

  /** An event that changes no job still moves the cursor. */
  addOther(eventId: string): void {
    this.note(eventId);
  }

  private note(eventId: string): void {
    this.lastEventId = eventId;
    this.events++;
  }

  /** Take everything folded so far and start empty. */
  drain(): CoalescedBatch {
    const jobs: Job[] = [];
    const removed: string[] = [];
    for (const [id, job] of this.latest) {
      if (job) jobs.push(job);
      else removed.push(id);
    }
    const batch = { jobs, removed, lastEventId: this.lastEventId, events: this.events };
    this.latest.clear();
    this.lastEventId = null;
    this.events = 0;
    return batch;
  }
}
