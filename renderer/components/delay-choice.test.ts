import { expect, it } from 'vitest';
import { checkDelay, defaultDelayChoice, delayedUntil, fromLocalInput, toLocalInput, type DelayChoice } from './delay-choice.ts';

const NOW = new Date(2026, 11, 2, 14, 20, 0).getTime(); // 14:20 local time
const choice = (patch: Partial<DelayChoice>): DelayChoice => ({ ...defaultDelayChoice(NOW), ...patch });

it('a local date-time is read in the admin’s own time zone and sent as the instant it names', () => {
  const sixPm = new Date(2026, 11, 2, 18, 0).getTime();
  expect(toLocalInput(sixPm)).toBe('2026-12-02T18:00');
  expect(fromLocalInput('2026-12-02T18:00')).toBe(sixPm);
  expect(checkDelay(choice({ mode: 'until', untilLocal: '2026-12-02T18:00' }), NOW)).toEqual({ ok: true, body: { until: new Date(sixPm).toISOString() }, runAt: sixPm });
  expect(fromLocalInput('2026-12-02')).toBeNull();
});

it('a duration goes as whole seconds from now; hours may have a fraction', () => {
  expect(checkDelay(choice({ mode: 'duration', amount: '45', unit: 'minutes' }), NOW)).toEqual({ ok: true, body: { seconds: 2700 }, runAt: NOW + 2_700_000 });
  expect(checkDelay(choice({ mode: 'duration', amount: '1.5', unit: 'hours' }), NOW)).toMatchObject({ ok: true, body: { seconds: 5400 } });
});

it('the dialog opens on a valid choice: one hour, and the next full hour as the time', () => {
  const c = defaultDelayChoice(NOW);
  expect(c).toMatchObject({ mode: 'duration', amount: '1', unit: 'hours', untilLocal: '2026-12-02T15:00' });
  expect(checkDelay(c, NOW).ok).toBe(true);
});

it('says what to change: nothing chosen, a time passed, too far, not a number', () => {
  const problem = (c: Partial<DelayChoice>) => {
    const r = checkDelay(choice(c), NOW);
    return r.ok ? null : r.message;
  };
  expect(problem({ mode: 'until', untilLocal: '' })).toBe('Choose the date and time the job may run.');
  expect(problem({ mode: 'until', untilLocal: '2026-12-02T14:00' })).toBe('That time has passed: choose a later one, or use Run now to run the job at once.');
  expect(problem({ mode: 'until', untilLocal: '2026-12-02T14:20' })).toMatch(/has passed/);
  expect(problem({ mode: 'until', untilLocal: '2027-06-01T10:00' })).toBe('Choose a time at most 90 days ahead; for later runs, create a schedule.');
  expect(problem({ mode: 'duration', amount: '' })).toBe('Enter how many hours to delay by.');
  expect(problem({ mode: 'duration', amount: '0', unit: 'minutes' })).toBe('Enter a number of minutes above zero.');
  expect(problem({ mode: 'duration', amount: 'abc' })).toBe('Enter a number of hours above zero.');
  expect(problem({ mode: 'duration', amount: '0.5', unit: 'minutes' })).toBe('Delay by at least 1 minute.');
  expect(problem({ mode: 'duration', amount: '2161', unit: 'hours' })).toBe('Delay by at most 90 days; for later runs, create a schedule.');
  expect(problem({ mode: 'duration', amount: '2160', unit: 'hours' })).toBeNull();
});

it('a pending job is delayed while its runAt is ahead; a passed runAt or another state is not', () => {
  const later = new Date(NOW + 60_000).toISOString();
  expect(delayedUntil({ state: 'pending', runAt: later }, NOW)).toBe(NOW + 60_000);
  expect(delayedUntil({ state: 'pending', runAt: later }, NOW + 60_000)).toBeNull();
  expect(delayedUntil({ state: 'pending', runAt: null }, NOW)).toBeNull();
  expect(delayedUntil({ state: 'running', runAt: later }, NOW)).toBeNull();
});
