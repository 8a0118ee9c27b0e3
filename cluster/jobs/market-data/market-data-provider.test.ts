import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SYMBOLS } from '../../../contract/job-configs.ts';
import { tempFolder } from '../job-test-support.ts';
import { formatBarCsv } from './bar-series.ts';
import { MarketDataProvider } from './market-data-provider.ts';
import { generateUniverse, UNIVERSE_SYMBOLS } from './synthetic-universe.ts';

const folders: { remove: () => void }[] = [];
function folder(prefix: string): string {
  const f = tempFolder(prefix);
  folders.push(f);
  return f.dir;
}
afterAll(() => folders.forEach((f) => f.remove()));

describe('seeded synthetic universe', () => {
  it('is deterministic and covers 10+ years of a few dozen symbols including the defaults', () => {
    const a = generateUniverse(7, ['ALPH', 'ZULU']);
    const b = generateUniverse(7, ['ALPH', 'ZULU']);
    expect(formatBarCsv(a[0]!)).toBe(formatBarCsv(b[0]!));
    expect(formatBarCsv(generateUniverse(8, ['ALPH'])[0]!)).not.toBe(formatBarCsv(a[0]!));
    expect(UNIVERSE_SYMBOLS.length).toBeGreaterThanOrEqual(24);
    expect(UNIVERSE_SYMBOLS).toEqual(expect.arrayContaining([...DEFAULT_SYMBOLS]));
    const s = a[0]!;
    expect(s.dates[0]).toBe('2012-01-03');
    expect(s.dates.at(-1)).toBe('2024-12-31');
    expect(s.dates.length).toBeGreaterThan(252 * 12);
  });

  it('gives symbols different paths, with bars that make sense', () => {
    const [x, y] = generateUniverse(undefined, ['ALPH', 'BRVO']);
    expect(x!.close[1000]).not.toBe(y!.close[1000]);
    for (let i = 0; i < x!.dates.length; i++) {
      expect(x!.low[i]).toBeLessThanOrEqual(Math.min(x!.open[i]!, x!.close[i]!));
      expect(x!.high[i]).toBeGreaterThanOrEqual(Math.max(x!.open[i]!, x!.close[i]!));
    }
  });
});

describe('MarketDataProvider', () => {
  it('writes the universe on first use and reads it back', async () => {
    const dir = folder('md-first');
    const market = new MarketDataProvider(dir);
    const symbols = await market.symbols();
    expect(symbols).toEqual([...UNIVERSE_SYMBOLS].sort());
    const alph = await market.load('ALPH');
    expect(alph.dates.length).toBeGreaterThan(3000);
    expect(readFileSync(path.join(dir, 'market', 'ALPH.csv'), 'utf8')).toBe(formatBarCsv(generateUniverse(undefined, ['ALPH'])[0]!));
    expect(readdirSync(dir)).toEqual(['market']);
  });

  it('is safe when two providers seed the same folder at once: one copy wins, none is left behind', async () => {
    const dir = folder('md-race-local');
    const [a, b] = [new MarketDataProvider(dir), new MarketDataProvider(dir)];
    const [sa, sb] = await Promise.all([a.load('ALPH'), b.load('ALPH')]);
    expect(sa.close).toEqual(sb.close);
    expect(readdirSync(dir)).toEqual(['market']);
  });

  it('is safe when two processes seed the same folder at once', async () => {
    const dir = folder('md-race');
    const script = path.join(dir, 'seed.mts');
    const provider = path.join(import.meta.dirname, 'market-data-provider.ts');
    writeFileSync(script, `import { MarketDataProvider } from ${JSON.stringify(provider)};\nconst m = new MarketDataProvider(${JSON.stringify(path.join(dir, 'data'))});\nconst s = await m.load('CHRL');\nconsole.log(s.dates.length);\n`);
    const runOne = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const results = await Promise.all([runOne(), runOne()]);
    for (const r of results) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(Number(r.out.trim())).toBeGreaterThan(3000);
    }
    expect(readdirSync(path.join(dir, 'data'))).toEqual(['market']);
    expect(readdirSync(path.join(dir, 'data', 'market'))).toHaveLength(UNIVERSE_SYMBOLS.length + 1);
  }, 60_000);

  it('fails with "data not available" and the symbol for a missing file', async () => {
    const market = new MarketDataProvider(folder('md-missing'));
    await expect(market.load('QQQQ')).rejects.toThrow(/data not available for symbol QQQQ/);
    await expect(market.load('QQQQ')).rejects.toMatchObject({ code: 'data-not-available', symbol: 'QQQQ' });
  });

  it('names the file and line of a corrupt row', async () => {
    const dir = folder('md-corrupt');
    mkdirSync(path.join(dir, 'market'));
    const file = path.join(dir, 'market', 'BAD.csv');
    writeFileSync(file, 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10,100\n2024-01-03,10,11,9,abc,100\n');
    const market = new MarketDataProvider(dir);
    await expect(market.load('BAD')).rejects.toThrow(`market data file ${file} line 3: close is not a number ("abc")`);
    writeFileSync(file, 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10,100\n2024-01-02,10,11,9,10,100\n');
    await expect(market.load('BAD')).rejects.toThrow(/line 3: date 2024-01-02 is not after the previous row's 2024-01-02/);
    writeFileSync(file, 'day,o,h,l,c,v\n');
    await expect(market.load('BAD')).rejects.toThrow(/line 1: expected the header/);
    writeFileSync(file, 'date,open,high,low,close,volume\n2024-01-02,10,9,9,10,100\n');
    await expect(market.load('BAD')).rejects.toThrow(/line 2: low\/high do not enclose open and close/);
  });

  it('re-reads a file that changed', async () => {
    const dir = folder('md-change');
    mkdirSync(path.join(dir, 'market'));
    const file = path.join(dir, 'market', 'CHG.csv');
    writeFileSync(file, 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10,100\n');
    const market = new MarketDataProvider(dir);
    expect((await market.load('CHG')).dates).toHaveLength(1);
    writeFileSync(file, 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10,100\n2024-01-03,10,11,9,10.5,100\n');
    expect((await market.load('CHG')).dates).toHaveLength(2);
  });
});
