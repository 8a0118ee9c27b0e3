/**
 * Helpers for the handlers' tests: temporary data/output folders and a runner that records every
 * progress report and log line. Not used by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobType } from '../../contract/domain.ts';
import type { JobProgress, JobResult } from '../../contract/jobs.ts';
import type { JobControl, JobResolvers, JobLimits, LogLevel } from './job-context.ts';
import { type JobHandler, runJobHandler } from './job-handler.ts';

/** A temporary folder, removed by the returned `remove`. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `sigmatiq-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RecordedRun {
  result: JobResult;
  progress: JobProgress[];
  logs: { level: LogLevel; message: string }[];
  outputDir: string;
}

export interface TestRunOptions {
  dataDir: string;
  outputRoot: string;
  jobId?: string;
  control?: JobControl;
  resolvers?: JobResolvers;
  limits?: Partial<JobLimits>;
  timeoutMs?: number;
  progress?: JobProgress[];
  logs?: { level: LogLevel; message: string }[];
}

let counter = 0;

/** Run a handler with every progress report recorded (no throttling). */
export async function runRecorded<T extends JobType>(handler: JobHandler<T>, config: unknown, options: TestRunOptions): Promise<RecordedRun> {
  const jobId = options.jobId ?? `${handler.type}-${++counter}`;
  const outputDir = path.join(options.outputRoot, jobId);
  const progress = options.progress ?? [];
  const logs = options.logs ?? [];
  const result = await runJobHandler(handler, {
    jobId,
    config,
    dataDir: options.dataDir,
    outputDir,
    control: options.control,
    resolvers: options.resolvers,
    limits: options.limits,
    timeoutMs: options.timeoutMs,
    progressIntervalMs: 0,
    pausePollMs: 10,
    onProgress: (p) => void progress.push(p),
    onLog: (level, message) => void logs.push({ level, message }),
  });
  return { result, progress, logs, outputDir };
}
