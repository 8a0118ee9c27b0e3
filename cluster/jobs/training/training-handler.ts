/**
 * The training job: logistic regression by gradient descent on a feature matrix — the output of a
 * matrix-build job (`matrixJobId`, located by the runtime's `matrixFile` resolver) or one built
 * inline. Progress and a checkpoint every epoch; validation accuracy, AUC and log-loss; the model
 * as JSON. Oversized requests are refused before allocation by an explicit memory estimate
 * against `ctx.limits.maxMatrixBytes`.
 */
import { FEATURES, type TrainingConfig } from '../../../contract/job-configs.ts';
import { type JobContext, sleep } from '../job-context.ts';
import { BadInputError, JobError } from '../job-errors.ts';
import type { JobHandler } from '../job-handler.ts';
import { openMarketData } from '../market-data/market-data-provider.ts';
import { buildFeatureMatrix } from '../matrix/matrix-build-handler.ts';
import { featureColumns, type FeatureRows } from '../matrix/feature-matrix.ts';
import { readManifest, readMatrixCsv } from '../matrix/matrix-file.ts';
import { round, writeOutputFile } from '../output-files.ts';
import { accuracy, logLoss, rocAuc } from './classification-metrics.ts';
import { newModel, predict, trainEpoch } from './logistic-regression.ts';
import { checkMatrixLimit, prepareTrainingSets } from './training-data.ts';

export const MODEL_FILE = 'model.json';

interface LoadedMatrix {
  matrix: FeatureRows;
  horizonDays: number;
  source: string;
}

async function loadMatrix(ctx: JobContext<TrainingConfig>): Promise<LoadedMatrix> {
  const config = ctx.config;
  if (config.matrixJobId) {
    if (!ctx.resolvers.matrixFile) throw new BadInputError('this worker cannot locate other jobs’ outputs (no matrix resolver); submit without matrixJobId to build the matrix inline');
    const file = await ctx.resolvers.matrixFile(config.matrixJobId);
    const manifest = await readManifest(file);
    if (manifest) checkMatrixLimit(manifest.rows, manifest.featureColumns.length, config.lags, ctx.limits.maxMatrixBytes);
    ctx.progress(0.2, `reading ${file}`);
    const matrix = await readMatrixCsv(file);
    checkMatrixLimit(matrix.dates.length, matrix.columns.length, config.lags, ctx.limits.maxMatrixBytes);
    const horizonDays = manifest?.horizonDays ?? config.horizonDays;
    if (manifest && manifest.horizonDays !== config.horizonDays) ctx.log('info', `using the matrix's horizon of ${manifest.horizonDays} days (config says ${config.horizonDays})`);
    return { matrix, horizonDays, source: `matrix-build job ${config.matrixJobId}` };
  }
  // Inline: the row count is known from the bars before any feature is computed.
  const market = openMarketData(ctx.dataDir);
  let rows = 0;
  for (const symbol of config.symbols) {
    const { from, to } = await market.loadRange(symbol, config.start, config.end);
    rows += to - from + 1;
  }
  checkMatrixLimit(rows, featureColumns([...FEATURES]).length, config.lags, ctx.limits.maxMatrixBytes);
  const matrix = await buildFeatureMatrix(ctx, { symbols: config.symbols, start: config.start, end: config.end, features: [...FEATURES], horizonDays: config.horizonDays });
  return { matrix, horizonDays: config.horizonDays, source: `built inline from ${config.symbols.join(' ')}` };
}

export const trainingHandler: JobHandler<'training'> = {
  type: 'training',
  steps: [
    { name: 'Load matrix', weight: 1 },
    { name: 'Prepare features', weight: 1 },
    { name: 'Train', weight: 10 },
    { name: 'Evaluate', weight: 1 },
    { name: 'Write model', weight: 1 },
  ],
  async run(ctx) {
    const config = ctx.config;
    await ctx.step('Load matrix', config.matrixJobId ? `from job ${config.matrixJobId}` : 'building inline');
    const { matrix, horizonDays, source } = await loadMatrix(ctx);

    await ctx.step('Prepare features', `${matrix.dates.length} rows, ${config.lags} lags`);
    const sets = prepareTrainingSets(matrix, { lags: config.lags, validationSplit: config.validationSplit, embargoDays: horizonDays });
    const d = sets.features.length;
    ctx.log('info', `train ${sets.trainY.length} rows (${sets.trainRange.join(' to ')}), validation ${sets.validY.length} rows (${sets.validRange.join(' to ')}), ${d} features`);

    await ctx.step('Train', `${config.epochs} epochs`);
    const model = newModel(d);
    const logEvery = Math.max(1, Math.floor(config.epochs / 20));
    let loss = NaN;
    let firstLoss = NaN;
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      if (epoch > 1) await ctx.checkpoint(`epoch ${epoch}/${config.epochs}`);
      loss = trainEpoch(model, sets.trainX, sets.trainY, config.learningRate, config.l2);
      if (epoch === 1) firstLoss = loss;
      if (!Number.isFinite(loss)) throw new JobError('bad-input', `training diverged at epoch ${epoch} (loss ${loss}); lower learningRate (now ${config.learningRate})`);
      ctx.progress(epoch / config.epochs, `epoch ${epoch}/${config.epochs} loss ${loss.toFixed(6)}`);
      if (epoch === 1 || epoch % logEvery === 0 || epoch === config.epochs) ctx.log('info', `epoch ${epoch}/${config.epochs} loss ${loss.toFixed(6)}`);
      if (config.epochDelayMs > 0 && epoch < config.epochs) await sleep(config.epochDelayMs);
    }

    await ctx.step('Evaluate', `${sets.validY.length} validation rows`);
    const pValid = predict(model, sets.validX);
    const pTrain = predict(model, sets.trainX);
    const positiveRate = sets.validY.reduce((s, v) => s + v, 0) / sets.validY.length;
    const metrics = {
      accuracy: round(accuracy(pValid, sets.validY)),
      auc: round(rocAuc(pValid, sets.validY)),
      logLoss: round(logLoss(pValid, sets.validY)),
      trainAccuracy: round(accuracy(pTrain, sets.trainY)),
      trainAuc: round(rocAuc(pTrain, sets.trainY)),
      baselineAccuracy: round(Math.max(positiveRate, 1 - positiveRate)),
      firstLoss: round(firstLoss),
      finalLoss: round(loss),
      epochs: config.epochs,
      trainRows: sets.trainY.length,
      validationRows: sets.validY.length,
      features: d,
    };
    ctx.log('info', `validation accuracy ${metrics.accuracy}, AUC ${metrics.auc}, log-loss ${metrics.logLoss}`);

    await ctx.step('Write model');
    const modelJson = {
      format: 'sigmatiq-model/1',
      model: config.model,
      features: sets.features,
      weights: Array.from(model.weights, (w) => round(w, 10)),
      bias: round(model.bias, 10),
      normalisation: { mean: Array.from(sets.mean, (v) => round(v, 10)), std: Array.from(sets.std, (v) => round(v, 10)) },
      label: `forward ${horizonDays}-day return > 0`,
      trainedOn: { source, jobId: ctx.jobId, trainRange: sets.trainRange, validationRange: sets.validRange, lags: config.lags },
      hyperparameters: { epochs: config.epochs, learningRate: config.learningRate, l2: config.l2, validationSplit: config.validationSplit },
      metrics,
    };
    const outputs = [await writeOutputFile(ctx.outputDir, MODEL_FILE, JSON.stringify(modelJson, null, 2) + '\n', 'json')];
    const edge = metrics.accuracy - metrics.baselineAccuracy;
    return {
      outputs,
      metrics,
      nextSteps: [
        `Validation AUC ${metrics.auc} (0.5 = no skill); accuracy ${metrics.accuracy} against a base rate of ${metrics.baselineAccuracy} (${edge >= 0 ? '+' : ''}${(edge * 100).toFixed(1)} points).`,
        metrics.trainAuc - metrics.auc > 0.05 ? 'Training AUC is well above validation AUC: the model overfits; raise l2 or use fewer lags.' : 'Training and validation AUC are close: no sign of overfitting.',
        `model.json holds the weights, feature names and normalisation (mean/std per feature) to score new rows.`,
      ],
    };
  },
};
