import { describe, expect, it } from 'vitest';
import { CreateScheduleRequest, cronAtMostEveryMinute, describeZodError } from './api.ts';

const request = { name: 'nightly', type: 'report', user: 'ops' };

describe('schedule cron: at most once a minute', () => {
  it.each(['* * * * * *', '*/5 * * * * *', '0,30 * * * * *', '0-59 * * * * *', '@secondly'])('refuses %s with the minimum interval in words', (cron) => {
    const parsed = CreateScheduleRequest.safeParse({ ...request, cron });
    expect(parsed.success).toBe(false);
    expect(describeZodError(parsed.error!)).toMatch(/^cron: runs more often than once a minute/);
  });

  it.each(['* * * * *', '0 3 * * *', '*/15 9-17 * * 1-5', '30 * * * * *', '0 0 3 * * *', '@minutely', '@daily'])('accepts %s', (cron) => {
    expect(cronAtMostEveryMinute(cron)).toBe(true);
    expect(CreateScheduleRequest.safeParse({ ...request, cron }).success).toBe(cron.length >= 9);
  });
});
