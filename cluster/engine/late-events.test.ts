// Which part of a PostgreSQL event stream a recorder re-reads behind its position, and for how long.
import { expect, test } from 'vitest';
import { GIVE_UP_MS, LateEventWatch, MAX_SEEN, RESUME_IDS, SETTLE_MS } from './late-events.ts';

test('a range read stays open until a re-read’s snapshot has no older transaction running, and at least SETTLE_MS', () => {
  const watch = new LateEventWatch();
  watch.noteRead('10', ['12', '15'], 0);
  watch.noteRead('15', ['20'], 100);
  expect(watch.pending()).toEqual({ after: '10', upTo: '20', seen: ['12', '15', '20'] });
  // A transaction older than the snapshot after the reads is still running (xmin 40 < xmax 50).
  watch.reread(['13'], 40n, 50n, 200);
  expect(watch.pending()).toEqual({ after: '10', upTo: '20', seen: ['12', '15', '20', '13'] });
  // All of them finished, but the last read is too recent: only the first range closes.
  watch.reread([], 55n, 60n, SETTLE_MS + 50);
  expect(watch.pending()).toEqual({ after: '15', upTo: '20', seen: ['20'] });
  watch.reread([], 55n, 60n, SETTLE_MS + 100);
  expect(watch.pending()).toBeNull();
  expect(watch.open).toBe(false);
});

test('a range is given up after GIVE_UP_MS, and the oldest ranges first when too many ids were seen', () => {
  const watch = new LateEventWatch();
  watch.noteRead('0', ['1'], 0);
  watch.reread([], 1n, 5n, GIVE_UP_MS - 1);
  expect(watch.open).toBe(true);
  watch.reread([], 1n, 5n, GIVE_UP_MS);
  expect(watch.open).toBe(false);

  watch.noteRead('0', ['1', '2'], 0);
  const burst = Array.from({ length: MAX_SEEN }, (_, i) => String(i + 3));
  watch.noteRead('2', burst, 0);
  expect(watch.pending()!.after).toBe('2');
  expect(watch.pending()!.seen).toHaveLength(MAX_SEEN);
});

test('a recorder that resumes re-reads the ids just behind its position, none of them seen', () => {
  const watch = new LateEventWatch();
  watch.noteResume(String(RESUME_IDS + 500n), 0);
  expect(watch.pending()).toEqual({ after: '500', upTo: String(RESUME_IDS + 500n), seen: [] });
  watch.reread([], 9n, 9n, SETTLE_MS);
  expect(watch.open).toBe(false);
  watch.noteResume('30', 0);
  expect(watch.pending()).toEqual({ after: '0', upTo: '30', seen: [] });
});
