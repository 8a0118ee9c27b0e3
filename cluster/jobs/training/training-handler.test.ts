import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRecorded, tempFolder } from '../job-test-support.ts';
import { matrixBuildHandler } from '../matrix/matrix-build-handler.ts';
import { accuracy, logLoss, rocAuc } from './classification-metrics.ts';
import { newModel, predict, trainEpoch } from './logistic-regression.ts';
import { trainingHandler } from './training-handler.ts';

describe('classification metrics', () => {
  it('computes accuracy, AUC (with ties) and log-loss by their definitions', () => {
    const p = Float64Array.from([0.9, 0.8, 0.4, 0.4, 0.2]);
    const y = Uint8Array.from([1, 0, 1, 0, 0]);
    // Predictions ≥ 0.5: 1, 1, 0, 0, 0 against 1, 0, 1, 0, 0 → right on rows 1, 4 and 5 → 3/5.
    expect(accuracy(p, y)).toBe(0.6);
    // Positive/negative pairs: (0.9 vs 0.8, 0.4, 0.2) 3 wins; (0.4 vs 0.8) loss, (0.4 vs 0.4) tie ½, (0.4 vs 0.2) win → 4.5 / 6.
    expect(rocAuc(p, y)).toBeCloseTo(0.75, 12);
    expect(logLoss(p, y)).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.4) + Math.log(0.6) + Math.log(0.8)) / 5, 12);
  });

  it('learns a separable rule', () => {
    const n = 200;
    const x = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = (i % 20) / 10 - 1;
      x[i * 2 + 1] = ((i * 7) % 13) / 13 - 0.5;
      y[i] = x[i * 2]! > 0 ? 1 : 0;
    }
    const model = newModel(2);
    const first = trainEpoch(model, x, y, 1, 0);
    let last = first;
    for (let e = 0; e < 300; e++) last = trainEpoch(model, x, y, 1, 0);
    expect(first).toBeCloseTo(Math.log(2), 12);
    expect(last).toBeLessThan(0.2);
    expect(accuracy(predict(model, x), y)).toBeGreaterThan(0.95);
  });
});

describe('training job', () => {
  const data = tempFolder('training');
  afterAll(() => data.remove());
  const small = { symbols: ['ALPH', 'BRVO'], start: '2016-01-04', end: '2019-12-31' };

  it('trains inline, reporting every epoch with its loss, and writes the model', async () => {
    const run = await runRecorded(trainingHandler, { ...small, epochs: 30 }, { dataDir: data.dir, outputRoot: data.dir });
    const epochs = run.progress.filter((p) => p.step === 'Train' && /^epoch \d+\/30 loss \d/.test(p.message));
    expect(epochs.map((p) => Number(/^epoch (\d+)/.exec(p.message)![1]))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const losses = epochs.map((p) => Number(/loss (\S+)/.exec(p.message)![1]));
    expect(losses[0]).toBeCloseTo(Math.log(2), 5);
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
    const m = run.result.metrics;
    for (const key of ['accuracy', 'auc'] as const) {
      expect(Number(m[key])).toBeGreaterThan(0.35);
      expect(Number(m[key])).toBeLessThan(0.7);
    }
    expect(Number(m.logLoss)).toBeGreaterThan(0.6);
    expect(Number(m.logLoss)).toBeLessThan(0.8);
    const model = JSON.parse(readFileSync(path.join(run.outputDir, 'model.json'), 'utf8'));
    expect(model.features).toHaveLength(9);
    expect(model.weights).toHaveLength(9);
    expect(model.normalisation.std).toHaveLength(9);
    expect(model.trainedOn.trainRange[1] < model.trainedOn.validationRange[0]).toBe(true);
    const again = await runRecorded(trainingHandler, { ...small, epochs: 30 }, { dataDir: data.dir, outputRoot: data.dir });
    expect(again.result.metrics).toEqual(m);
  });

  it('trains on a matrix-build job’s output through the matrix resolver', async () => {
    const built = await runRecorded(matrixBuildHandler, { ...small, features: ['returns', 'rsi'], horizonDays: 3 }, { dataDir: data.dir, outputRoot: data.dir, jobId: 'mx-7' });
    const asked: string[] = [];
    const run = await runRecorded(trainingHandler, { matrixJobId: 'mx-7', epochs: 5, lags: 1 }, {
      dataDir: data.dir,
      outputRoot: data.dir,
      resolvers: {
        matrixFile: async (id) => {
          asked.push(id);
          return path.join(data.dir, id, 'matrix.csv');
        },
      },
    });
    expect(asked).toEqual(['mx-7']);
    const model = JSON.parse(readFileSync(path.join(run.outputDir, 'model.json'), 'utf8'));
    expect(model.features).toEqual(['ret_1d', 'ret_5d', 'ret_20d', 'rsi_14', 'ret_1d_lag1', 'ret_5d_lag1', 'ret_20d_lag1', 'rsi_14_lag1']);
    expect(model.label).toBe('forward 3-day return > 0');
    // Each symbol loses its first row to the lag; the embargo and split take the rest.
    expect(Number(run.result.metrics.trainRows) + Number(run.result.metrics.validationRows)).toBeLessThan(Number(built.result.metrics.rows));
  });

  it('refuses an oversized request up front, naming the limit', async () => {
    await expect(runRecorded(trainingHandler, { ...small, lags: 250 }, { dataDir: data.dir, outputRoot: data.dir, limits: { maxMatrixBytes: 16 * 1024 * 1024 } })).rejects.toThrow(
      /^training matrix too large: \d+ rows × 2259 features needs about \d+ MB, over the worker's limit of 16 MB \(maxMatrixBytes\); use fewer symbols/,
    );
  });

  it('fails with "data not available" for an unknown symbol', async () => {
    await expect(runRecorded(trainingHandler, { symbols: ['NOPE'], epochs: 1 }, { dataDir: data.dir, outputRoot: data.dir })).rejects.toThrow(/data not available for symbol NOPE/);
  });
});
