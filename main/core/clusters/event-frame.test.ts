import { describe, expect, it } from 'vitest';
import { ClusterEvent } from '../../../contract/events.ts';
import { parseEventFrame } from './event-frame.ts';

const job = {
  id: 'signal-abc123',
  type: 'signal',
  state: 'running',
  priority: 'normal',
  user: 'user7',
  createdAt: '2026-09-01T00:00:00.000Z',
  startedAt: '2026-09-01T00:00:05.000Z',
  finishedAt: null,
  durationMs: null,
  attempts: 1,
  maxAttempts: 3,
  progress: { percent: 50, step: 'compute', stepIndex: 1, stepCount: 3 },
  errorMessage: null,
  updatedAt: '2026-09-01T00:00:35.000Z',
};
const event = { id: '42', at: '2026-09-01T00:00:35.000Z', kind: 'job', change: 'progress', job };

describe('parseEventFrame (the compiled schema on the event stream)', () => {
  it('answers what the schema answers: defaults filled, unknown keys dropped', () => {
    const frame = JSON.stringify({ ...event, job: { ...job, newerField: 1 } });
    const parsed = parseEventFrame(frame);
    expect(parsed).toEqual({ ok: true, event: ClusterEvent.parse(JSON.parse(frame)) });
    expect(parsed.ok && parsed.event.kind === 'job' && parsed.event.job.progress?.message).toBe('');
    expect(parsed.ok && 'newerField' in (parsed.event as { job: object }).job).toBe(false);
  });

  it('refuses what the schema refuses, in the schema’s words, and data that is not JSON', () => {
    const bad = parseEventFrame(JSON.stringify({ ...event, job: { ...job, user: 'two words' } }));
    expect(bad).toEqual({ ok: false, problem: expect.stringContaining('a user name: letters, digits and . _ @ + - only') });
    expect(parseEventFrame(JSON.stringify({ ...event, kind: 'nothing' }))).toMatchObject({ ok: false, problem: expect.stringContaining('not a Sigmatiq cluster event') });
    expect(parseEventFrame('{"id":')).toMatchObject({ ok: false, problem: expect.stringContaining('not JSON') });
  });
});
