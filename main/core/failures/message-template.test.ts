import { describe, expect, it } from 'vitest';
import { maskMessage } from './message-template.ts';

describe('maskMessage', () => {
  it.each([
    ['data not available for symbol ZZQX: no file /srv/sigmatiq/market/ZZQX.csv; check the ticker or add the file', 'data not available for symbol <symbol>: no file <path>; check the ticker or add the file'],
    ['data not available for symbol BRK.B: no file C:\\Users\\ben\\market\\BRK.B.csv; check the ticker or add the file', 'data not available for symbol <symbol>: no file <path>; check the ticker or add the file'],
    ['data not available for symbol AAPL between 2024-01-02 and 2024-03-01 (its data covers 2012-01-03 to 2023-12-29)', 'data not available for symbol <symbol> between <date> and <date> (its data covers <date> to <date>)'],
    ['job backtest-mx19i7u3a1b2c3d4 is a training job, not a sweep', 'job <id> is a training job, not a sweep'],
    // A made-up or mistyped id after "job" is a parameter too; a plain word after it is not.
    ['job sweep-gone-a: no job sweep-gone-a', 'job <id>: no job <id>'],
    ['the job has no owner; jobs of this type', 'the job has no owner; jobs of this type'],
    ['stopped at step boundary before "Load data"', 'stopped at step boundary before <quoted>'],
    ["over the worker's limit of 512 MB (maxMatrixBytes)", "over the worker's limit of <num> MB (maxMatrixBytes)"],
    ['training diverged at epoch 12 (loss NaN); lower learningRate (now 0.5)', 'training diverged at epoch <num> (loss <num>); lower learningRate (now <num>)'],
    ['request 550e8400-e29b-41d4-a716-446655440000 hash deadbeef12 at 0x7ffe12', 'request <id> hash <hex> at <hex>'],
    ['failed at 2024-05-01T10:22:33.120Z after 13:05:10', 'failed at <date> after <date>'],
    ['see https://example.com/jobs/7 and ./outputs/x.csv.', 'see <url> and <path>.'],
    ['positions in MSFT and GOOG, read as CSV and PDF', 'positions in <symbol> and <symbol>, read as CSV and PDF'],
    ['expected a date as YYYY-MM-DD, low/high do not enclose', 'expected a date as YYYY-MM-DD, low/high do not enclose'],
    ['multi\n  line   message', 'multi line message'],
  ])('%s', (message, template) => {
    expect(maskMessage(message)).toBe(template);
  });

  it('keeps an apostrophe inside a word and masks a quoted value', () => {
    expect(maskMessage("the worker's limit for 'ALPH' is 'x'")).toBe("the worker's limit for <quoted> is <quoted>");
  });

  it('masks a user-typed ticker after the word symbol whatever its shape', () => {
    expect(maskMessage('data not available for symbol bad$: not a valid ticker')).toBe('data not available for symbol <symbol>: not a valid ticker');
  });
});
