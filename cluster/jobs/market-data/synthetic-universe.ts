/**
 * The seeded synthetic market universe written on first use, so every job works offline:
 * a few dozen symbols over 2012–2024, each a geometric random walk driven by a shared market
 * factor (with bull/bear/turbulent regimes), its own drift/volatility regimes and a weak
 * autocorrelation (momentum or mean reversion) so strategies and models have something to find.
 */
import { DEFAULT_SYMBOLS } from '../../../contract/job-configs.ts';
import { SeededRandom, seedFor } from '../../../contract/seeded-random.ts';
import type { BarSeries } from './bar-series.ts';
import { tradingDays } from './trading-calendar.ts';

export const UNIVERSE_SEED = 20_240_601;
export const UNIVERSE_START = '2012-01-03';
export const UNIVERSE_END = '2024-12-31';

/** The universe's symbols: the contract's defaults first, then the rest. */
export const UNIVERSE_SYMBOLS: readonly string[] = [
  ...DEFAULT_SYMBOLS,
  'DLTA', 'ECHO', 'FXTR', 'GOLF', 'HOTL', 'INDA', 'JULT', 'KILO', 'LIMA', 'MIKE', 'NOVA',
  'OSCR', 'PAPA', 'QBEC', 'RMEO', 'SIER', 'TNGO', 'UNIF', 'VCTR', 'WHSK', 'XRAY', 'YANK',
  'ZULU', 'ATLS', 'BORA', 'CYGN', 'DRCO', 'ELMO', 'FJRD', 'GRNT',
];

interface Regime {
  drift: number;
  vol: number;
}

/** Market regimes: calm bull, bear, turbulent. Daily log-return drift and volatility. */
const MARKET_REGIMES: Regime[] = [
  { drift: 0.0005, vol: 0.008 },
  { drift: -0.0009, vol: 0.014 },
  { drift: 0.0001, vol: 0.022 },
];
const MARKET_SWITCH = [0.004, 0.02, 0.03];

/** Daily market-factor log returns for `n` days (shared by every symbol). */
function marketFactor(seed: number, n: number): Float64Array {
  const rng = new SeededRandom(seedFor(seed, '^MARKET'));
  const out = new Float64Array(n);
  let regime = 0;
  for (let i = 0; i < n; i++) {
    if (rng.next() < MARKET_SWITCH[regime]!) regime = (regime + 1 + Math.floor(rng.next() * 2)) % 3;
    const r = MARKET_REGIMES[regime]!;
    out[i] = r.drift + r.vol * rng.normal();
  }
  return out;
}

/** One symbol's bars over `days`, driven by `market`. */
function generateSymbol(seed: number, symbol: string, days: readonly string[], market: Float64Array): BarSeries {
  const rng = new SeededRandom(seedFor(seed, symbol));
  const n = days.length;
  const beta = rng.between(0.5, 1.5);
  const autocorr = rng.between(-0.12, 0.12);
  // Per-symbol regimes: quiet trend up, quiet trend down, noisy; switching every few months.
  const baseVol = rng.between(0.008, 0.022);
  const regimes: Regime[] = [
    { drift: rng.between(0.0001, 0.0006), vol: baseVol },
    { drift: rng.between(-0.0008, -0.0001), vol: baseVol * 1.2 },
    { drift: 0, vol: baseVol * 2 },
  ];
  const series: BarSeries = {
    symbol,
    dates: [...days],
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const baseVolume = Math.round(rng.between(2e5, 5e6));
  let price = rng.between(15, 400);
  let regime = Math.floor(rng.next() * 3);
  let previousIdio = 0;
  for (let i = 0; i < n; i++) {
    if (rng.next() < 1 / 90) regime = (regime + 1 + Math.floor(rng.next() * 2)) % 3;
    const r = regimes[regime]!;
    const idio = r.drift + autocorr * previousIdio + r.vol * rng.normal();
    previousIdio = idio;
    const logReturn = Math.max(-0.25, Math.min(0.25, beta * market[i]! + idio));
    // The overnight gap carries part of the day's move, so opens differ from previous closes.
    const gap = 0.3 * logReturn + 0.15 * r.vol * rng.normal();
    const open = price * Math.exp(gap);
    const close = price * Math.exp(logReturn);
    const wick = r.vol * 0.6;
    series.open[i] = round4(open);
    series.close[i] = round4(close);
    series.high[i] = round4(Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * wick));
    series.low[i] = round4(Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * wick));
    series.volume[i] = Math.round(baseVolume * Math.exp(0.35 * rng.normal()) * (1 + 8 * Math.abs(logReturn)));
    price = close;
  }
  return series;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Every symbol of the seeded universe, deterministic for `seed`. */
export function generateUniverse(seed = UNIVERSE_SEED, symbols: readonly string[] = UNIVERSE_SYMBOLS): BarSeries[] {
  const days = tradingDays(UNIVERSE_START, UNIVERSE_END);
  const market = marketFactor(seed, days.length);
  return symbols.map((symbol) => generateSymbol(seed, symbol, days, market));
}
