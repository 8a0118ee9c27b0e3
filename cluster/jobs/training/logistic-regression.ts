/**
 * Logistic regression trained by full-batch gradient descent with L2 regularisation, over a
 * row-major Float64Array design matrix. One `epoch` is one pass: loss and gradient in the same
 * loop, then one update.
 */

export interface LogisticModel {
  weights: Float64Array;
  bias: number;
}

/** The logistic function, safe for large |z|. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** A zero-initialised model for `d` features. */
export function newModel(d: number): LogisticModel {
  return { weights: new Float64Array(d), bias: 0 };
}

const EPS = 1e-15;

/**
 * One gradient-descent epoch on (x, y) in place. Returns the objective before the update:
 * mean log-loss + l2 / 2 · ‖w‖².
 */
export function trainEpoch(model: LogisticModel, x: Float64Array, y: Uint8Array, learningRate: number, l2: number): number {
  const n = y.length;
  const d = model.weights.length;
  const grad = new Float64Array(d);
  let gradBias = 0;
  let loss = 0;
  for (let r = 0; r < n; r++) {
    let z = model.bias;
    const off = r * d;
    for (let j = 0; j < d; j++) z += model.weights[j]! * x[off + j]!;
    const p = sigmoid(z);
    const err = p - y[r]!;
    for (let j = 0; j < d; j++) grad[j] = grad[j]! + err * x[off + j]!;
    gradBias += err;
    loss -= y[r] === 1 ? Math.log(Math.max(p, EPS)) : Math.log(Math.max(1 - p, EPS));
  }
  let norm = 0;
  for (let j = 0; j < d; j++) {
    const w = model.weights[j]!;
    norm += w * w;
    model.weights[j] = w - learningRate * (grad[j]! / n + l2 * w);
  }
  model.bias -= learningRate * (gradBias / n);
  return loss / n + (l2 / 2) * norm;
}

/** Predicted probabilities of label 1 for each row of x. */
export function predict(model: LogisticModel, x: Float64Array): Float64Array {
  const d = model.weights.length;
  const n = d === 0 ? 0 : x.length / d;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let z = model.bias;
    for (let j = 0; j < d; j++) z += model.weights[j]! * x[r * d + j]!;
    out[r] = sigmoid(z);
  }
  return out;
}
