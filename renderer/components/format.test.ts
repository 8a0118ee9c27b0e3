import { describe, expect, it } from 'vitest';
import { formatCountOf, formatDuration } from './format.ts';

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
