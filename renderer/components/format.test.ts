import { describe, expect, it } from 'vitest';
import { formatCountOf, formatDuration, formatElapsed, formatRelative } from './format.ts';
import { spanOf, tickFormatter } from './time-ranges.ts';

describe('formatCountOf', () => {
  it('says "1 node", not "1 nodes", and groups thousands', () => {
    expect(formatCountOf(1, 'node')).toBe('1 node');
    expect(formatCountOf(0, 'node')).toBe('0 nodes');
    expect(formatCountOf(12345, 'job')).toBe('12,345 jobs');
    expect(formatCountOf(2, 'entry', 'entries')).toBe('2 entries');
  });
});

describe('formatDuration', () => {
  it('reads like a person would say it, with a dash for no duration', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(450)).toBe('450 ms');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600_000)).toBe('3 h');
    expect(formatDuration(26 * 3600_000)).toBe('1 d 2 h');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const at = (ms: number) => new Date(now + ms).toISOString();
  it('never truncates a time near two of its unit to one', () => {
    expect(formatRelative(at(47 * 3600_000), now)).toBe('in 1 d 23 h');
    expect(formatRelative(at(-(119 * 60_000)), now)).toBe('1 h 59 min ago');
    expect(formatRelative(at(3 * 86_400_000 + 20 * 3600_000), now)).toBe('in 4 d');
    expect(formatRelative(at(5 * 60_000 + 20_000), now)).toBe('in 5 min');
    expect(formatRelative(at(90_000), now)).toBe('in 1 min 30 s');
    expect(formatRelative(at(3600_000 + 59 * 60_000 + 45_000), now)).toBe('in 2 h');
    expect(formatRelative(at(42_000), now)).toBe('in 42 s');
    expect(formatRelative(at(-2000), now)).toBe('just now');
  });
  it('carries a rounding into the larger unit', () => {
    expect(formatRelative(at(59 * 60_000 + 45_000), now)).toBe('in 1 h');
    expect(formatRelative(at(-(23 * 3600_000 + 50 * 60_000)), now)).toBe('1 d ago');
    expect(formatRelative(at(59_600), now)).toBe('in 1 min');
  });
});

describe('chart ticks', () => {
  it('show seconds when the samples span a few minutes, so neighbouring ticks differ', () => {
    const samples = [{ at: '2026-11-28T22:53:05Z' }, { at: '2026-11-28T22:53:35Z' }, { at: '2026-11-28T22:54:05Z' }];
    expect(spanOf(samples)).toBe(60_000);
    const short = tickFormatter('1h', spanOf(samples));
    expect(new Set(samples.map((s) => short(s.at))).size).toBe(3);
    const long = tickFormatter('1h');
    expect(long(samples[0]!.at)).toBe(long(samples[1]!.at));
  });
});

describe('formatElapsed', () => {
  it('gives tenths for a short run, so the ticks of a 4 s job differ', () => {
    expect(formatElapsed(0)).toBe('start');
    expect(formatElapsed(3_240)).toBe('+3.2 s');
    expect(formatElapsed(3_760)).toBe('+3.8 s');
    expect(formatElapsed(42_000)).toBe('+42 s');
    expect(formatElapsed(125_000)).toBe('+2 min 5 s');
  });
});
