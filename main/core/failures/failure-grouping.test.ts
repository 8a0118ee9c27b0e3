import { describe, expect, it } from 'vitest';
import { FailureGroup } from '../../../contract/failures.ts';
import { FailureGrouping, type FailureInput } from './failure-grouping.ts';

const AT = '2025-03-01T10:00:00.000Z';
const stack = (head: string, frames = ['MarketDataProvider.load (/srv/app/cluster/jobs/market-data/market-data-provider.ts:66:13)', 'run (/srv/app/cluster/jobs/backtest/backtest-handler.ts:31:21)']) =>
  `${head}\n${frames.map((f) => `    at ${f}`).join('\n')}\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)`;

function noFile(symbol: string, dir: string, at = AT): FailureInput {
  const message = `data not available for symbol ${symbol}: no file ${dir}/${symbol}.csv; check the ticker or add the file`;
  return { jobType: 'backtest', errorMessage: message, errorStack: stack(`UnrecoverableError: ${message}`), failedAt: at };
}
function tooLarge(rows: number, features: number, mb: number): FailureInput {
  const message = `training matrix too large: ${rows} rows × ${features} features needs about ${mb} MB, over the worker's limit of 512 MB (maxMatrixBytes); use fewer symbols, a shorter date range or fewer lags`;
  return { jobType: 'training', errorMessage: message, errorStack: null, failedAt: AT };
}

describe('FailureGrouping', () => {
  it('puts failures that differ in symbols, paths, ids and numbers in one group', () => {
    const g = new FailureGrouping();
    const a = g.assign(noFile('ZZQX', '/srv/market'));
    const b = g.assign(noFile('BRK.B', '/data/other/market', '2025-03-01T11:00:00Z'));
    const c = g.assign(tooLarge(12000, 1320, 121));
    const d = g.assign(tooLarge(90500, 44, 3310));
    expect(a.created).toBe(true);
    expect(b.group.id).toBe(a.group.id);
    expect(b.group.jobCount).toBe(2);
    expect(b.group.lastSeenAt).toBe('2025-03-01T11:00:00.000Z');
    expect(d.group.id).toBe(c.group.id);
    expect(c.group.id).not.toBe(a.group.id);
    expect(g.groups()).toHaveLength(2);
    expect(a.group.signature).toBe('data not available for symbol <symbol>: no file <path>; check the ticker or add the file');
    expect(a.group.category).toBe('data-not-available');
    expect(c.group.category).toBe('limit-exceeded');
    for (const group of g.groups()) expect(FailureGroup.parse(group)).toEqual(group);
  });

  it('generalises a word that masking leaves to <*> and keeps the group id', () => {
    const g = new FailureGrouping();
    const first = g.assign({ jobType: 'report', errorMessage: 'job sweep-mx1a2b3c4d is a training job, not a sweep; give the id of a sweep', failedAt: AT });
    const second = g.assign({ jobType: 'report', errorMessage: 'job backtest-mx9z8y7x6w is a backtest job, not a sweep; give the id of a sweep', failedAt: AT });
    expect(second.group.id).toBe(first.group.id);
    expect(second.group.signature).toBe('job <id> is a <*> job, not a sweep; give the id of a sweep');
  });

  it('keeps different causes, job types, error kinds and throwing code apart', () => {
    const g = new FailureGrouping();
    const base = g.assign(noFile('ZZQX', '/srv/market')).group.id;
    const otherType = g.assign({ ...noFile('ZZQX', '/srv/market'), jobType: 'signal' }).group.id;
    const otherKind = g.assign({ ...noFile('ZZQX', '/srv/market'), errorStack: null, errorKind: 'TypeError' }).group.id;
    const otherFrames = g.assign({ ...noFile('ZZQX', '/srv/market'), errorStack: stack('UnrecoverableError: x', ['readCsv (/srv/app/cluster/jobs/market-data/bar-series.ts:1:1)']) }).group.id;
    const otherCause = g.assign({ ...noFile('ZZQX', '/srv/market'), errorMessage: 'data not available for symbol ZZQX: not a valid ticker' }).group.id;
    expect(new Set([base, otherType, otherKind, otherFrames, otherCause]).size).toBe(5);
  });

  it('keeps apart two messages that agree in most words when one has a value where the other has text', () => {
    const g = new FailureGrouping();
    const csv = (what: string) => ({ jobType: 'matrix-build', errorMessage: `market data file /m/ALPH.csv line 1: ${what}; fix or delete the file (a deleted market folder is re-generated)`, failedAt: AT });
    const header = g.assign(csv('expected the header "date,open,high,low,close,volume", found "Date,Open"')).group.id;
    const columns = g.assign(csv('expected 6 comma-separated values, found 4')).group.id;
    expect(columns).not.toBe(header);
    expect(g.assign(csv('expected the header "date,open,high,low,close,volume", found "x;y"')).group.id).toBe(header);
  });

  it('derives the same group ids from the same failures in a fresh process', () => {
    const one = new FailureGrouping();
    const two = new FailureGrouping();
    expect(one.assign(noFile('AAPL', '/a')).group.id).toBe(two.assign(noFile('MSFT', '/b')).group.id);
  });

  it('survives a restart: stored state restores ids, counts and templates, and new failures join them', () => {
    const g = new FailureGrouping();
    const id = g.assign(noFile('ZZQX', '/srv/market')).group.id;
    g.assign(noFile('ALPH', '/srv/market'));
    const restored = FailureGrouping.fromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    expect(restored.groups()).toEqual(g.groups());
    const next = restored.assign(noFile('QQQQ', '/elsewhere'));
    expect(next).toMatchObject({ created: false, group: { id, jobCount: 3 } });
  });

  it('refuses a stored state that does not parse, saying what to do', () => {
    expect(() => FailureGrouping.fromJSON({ version: 1, templates: 'x' })).toThrow(/regroup the cached failures/);
    const g = new FailureGrouping();
    g.assign(noFile('ZZQX', '/srv/market'));
    const state = g.toJSON();
    expect(() => FailureGrouping.fromJSON({ ...state, groups: [] })).toThrow(/has no group/);
  });

  it('merges two groups: counts add up, old ids resolve, later failures of either land in the target, across a restart', () => {
    const g = new FailureGrouping();
    const data = g.assign(noFile('ZZQX', '/srv/market')).group;
    const ticker = g.assign({ ...noFile('ZZQX', '/srv/market'), errorMessage: 'data not available for symbol ZZ$: not a valid ticker' }).group;
    const merged = g.merge(ticker.id, data.id);
    expect(merged).toMatchObject({ id: data.id, jobCount: 2 });
    expect(g.groups().map((x) => x.id)).toEqual([data.id]);
    expect(g.resolve(ticker.id)).toBe(data.id);
    const restored = FailureGrouping.fromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    const later = restored.assign({ ...noFile('QQ', '/x'), errorMessage: 'data not available for symbol Q!: not a valid ticker' });
    expect(later.group).toMatchObject({ id: data.id, jobCount: 3 });
    expect(restored.templatesOf(data.id)).toHaveLength(2);
    expect(() => restored.merge(ticker.id, data.id)).toThrow(/already one group/);
    expect(() => restored.merge('fg-nope', data.id)).toThrow(/no failure group 'fg-nope'/);
  });

  it('follows a merge of a merge', () => {
    const g = new FailureGrouping();
    const a = g.assign({ jobType: 'backtest', errorMessage: 'alpha failed', failedAt: AT }).group.id;
    const b = g.assign({ jobType: 'backtest', errorMessage: 'beta broke down completely', failedAt: AT }).group.id;
    const c = g.assign({ jobType: 'backtest', errorMessage: 'gamma', failedAt: '2025-02-01T00:00:00Z' }).group.id;
    g.merge(a, b);
    g.merge(b, c);
    expect(g.resolve(a)).toBe(c);
    expect(g.group(a)).toMatchObject({ id: c, jobCount: 3, firstSeenAt: '2025-02-01T00:00:00.000Z', lastSeenAt: AT });
    expect(g.assign({ jobType: 'backtest', errorMessage: 'alpha failed', failedAt: AT }).group.id).toBe(c);
  });

  it('says which group a failure would join without counting it', () => {
    const g = new FailureGrouping();
    const id = g.assign(noFile('ZZQX', '/srv/market')).group.id;
    expect(g.groupIdFor(noFile('ABC', '/y'))).toBe(id);
    expect(g.groupIdFor(tooLarge(1, 2, 3))).toBeNull();
    expect(g.group(id)?.jobCount).toBe(1);
  });

  it('refuses a failure time that is not a time', () => {
    expect(() => new FailureGrouping().assign({ ...noFile('A', '/b'), failedAt: 'yesterday' })).toThrow(/failedAt 'yesterday' is not a time/);
  });
});
