import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../contract/seeded-random.ts';
import { findInCommon, niceFloor, type JobFacts } from './in-common.ts';

const USERS = ['ann.lee', 'ben.liu', 'cho.kim', 'dev.rao'];
const NODES = ['worker-1', 'worker-2', 'worker-3'];

function training(rng: SeededRandom, over: Partial<JobFacts> & { lags?: number } = {}): JobFacts {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)]!;
  return {
    config: { lags: over.lags ?? 1 + Math.floor(rng.next() * 20), epochs: 5 + Math.floor(rng.next() * 50), model: pick(['logistic', 'tree']), symbols: [pick(['ALPH', 'BRVO', 'CHRL'])] },
    user: over.user ?? pick(USERS),
    node: over.node ?? pick(NODES),
    hour: over.hour ?? Math.floor(rng.next() * 24),
  };
}

describe('findInCommon', () => {
  it('finds a planted parameter range with its counts and nothing random', () => {
    const rng = new SeededRandom(7);
    const completed = Array.from({ length: 150 }, (_, i) => training(rng, i < 3 ? { lags: 120 } : {}));
    const failed = Array.from({ length: 33 }, () => training(rng, { lags: 100 + Math.floor(rng.next() * 80) }));
    const findings = findInCommon(failed, completed, { baselineName: 'completed trainings' });
    expect(findings[0]).toMatchObject({ dimension: 'config', key: 'lags', condition: 'lags ≥ 100', groupCount: 33, groupTotal: 33, baselineCount: 3, baselineTotal: 150 });
    expect(findings[0]!.text).toBe('lags ≥ 100 in 100% of these (33 of 33) vs 2% of completed trainings');
    expect(findings.map((f) => f.key)).toEqual(['lags']);
  });

  it('finds a user and a node that most failures share', () => {
    const rng = new SeededRandom(11);
    const completed = Array.from({ length: 200 }, () => training(rng));
    const failed = Array.from({ length: 33 }, (_, i) => training(rng, { user: i < 31 ? 'ben.liu' : 'ann.lee', node: 'worker-2' }));
    const texts = findInCommon(failed, completed).map((f) => f.text);
    const onNode2 = Math.round((100 * completed.filter((j) => j.node === 'worker-2').length) / completed.length);
    expect(texts).toContain(`all on node worker-2 (vs ${onNode2}% of completed jobs)`);
    expect(texts.find((t) => t.includes('ben.liu'))).toMatch(/^31 of 33 from ben\.liu \(vs \d+% of completed jobs\)$/);
  });

  it('reports an hour and a list member, and says when there is nothing to compare with', () => {
    const rng = new SeededRandom(3);
    const failed = Array.from({ length: 5 }, () => ({ ...training(rng, { hour: 2 }), config: { symbols: ['ZZQX'] } }));
    const texts = findInCommon(failed, []).map((f) => f.text);
    expect(texts).toContain('all between 02:00 and 03:00 (no completed jobs to compare)');
    expect(texts).toContain('symbols include ZZQX in 100% of these (5 of 5; no completed jobs to compare)');
  });

  it('needs the minimum support', () => {
    const rng = new SeededRandom(5);
    const failed = [training(rng, { node: 'worker-9' }), training(rng, { node: 'worker-9' })];
    expect(findInCommon(failed, [training(rng)]).filter((f) => f.dimension === 'node')).toEqual([]);
    expect(findInCommon(failed, [training(rng)], { minSupport: 2 }).filter((f) => f.dimension === 'node')).toHaveLength(1);
  });

  it('rounds thresholds down to a number that reads well', () => {
    expect([137, 100, 0.35, 7, 2400].map(niceFloor)).toEqual([100, 100, 0.25, 5, 2000]);
  });
});
