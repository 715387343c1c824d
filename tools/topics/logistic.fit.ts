/**
 * L2-regularised logistic regression on sparse rows, fitted with L-BFGS. Small enough to read,
 * and exact enough that training the topic model is reproducible: no randomness, no learning rate.
 */

/** One example: feature indices and their values (absent features are 0). */
export interface SparseRow {
  index: Int32Array;
  value: Float64Array;
}

export interface FitOptions {
  /** L2 strength per feature (the bias is not regularised). */
  l2: Float64Array;
  /** Weight of each example in the loss (all 1 when absent); the loss is their weighted mean. */
  sampleWeights?: readonly number[];
  maxIterations?: number;
  /** Stop when the gradient's largest component falls below this. */
  tolerance?: number;
}

export interface FittedLogistic {
  weights: Float64Array;
  bias: number;
}

const HISTORY = 8;

/** Minimises mean log-loss + ½ Σ l2ᵢ wᵢ² over weights and bias. */
export function fitLogistic(rows: readonly SparseRow[], labels: readonly number[], options: FitOptions): FittedLogistic {
  const dims = options.l2.length;
  const sampleWeights = options.sampleWeights ?? rows.map(() => 1);
  const objective = (x: Float64Array, grad: Float64Array) => lossAndGradient(rows, labels, sampleWeights, options.l2, x, grad);
  const x = new Float64Array(dims + 1);
  const positives = labels.reduce((n, y) => n + y, 0);
  x[dims] = Math.log((positives + 1) / (labels.length - positives + 1));
  minimize(objective, x, options.maxIterations ?? 300, options.tolerance ?? 1e-6);
  return { weights: x.slice(0, dims), bias: x[dims] };
}

// x holds the weights then the bias; returns the loss and writes its gradient into grad.
function lossAndGradient(
  rows: readonly SparseRow[],
  labels: readonly number[],
  sampleWeights: readonly number[],
  l2: Float64Array,
  x: Float64Array,
  grad: Float64Array,
): number {
  const dims = l2.length;
  const n = sampleWeights.reduce((sum, w) => sum + w, 0);
  grad.fill(0);
  let loss = 0;
  rows.forEach((row, r) => {
    let z = x[dims];
    for (let k = 0; k < row.index.length; k++) z += x[row.index[k]] * row.value[k];
    // log(1 + e^z) − y·z, computed without overflow for large |z|.
    const w = sampleWeights[r];
    loss += w * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - labels[r] * z);
    const err = (w * (1 / (1 + Math.exp(-z)) - labels[r])) / n;
    for (let k = 0; k < row.index.length; k++) grad[row.index[k]] += err * row.value[k];
    grad[dims] += err;
  });
  loss /= n;
  for (let j = 0; j < dims; j++) {
    loss += 0.5 * l2[j] * x[j] * x[j];
    grad[j] += l2[j] * x[j];
  }
  return loss;
}

type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Limited-memory BFGS with a backtracking (Armijo) line search; improves x in place. */
function minimize(f: Objective, x: Float64Array, maxIterations: number, tolerance: number): void {
  const n = x.length;
  let grad = new Float64Array(n);
  let value = f(x, grad);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  for (let it = 0; it < maxIterations && maxAbs(grad) > tolerance; it++) {
    const direction = twoLoop(grad, s, y);
    if (dot(direction, grad) >= 0) for (let i = 0; i < n; i++) direction[i] = -grad[i];
    const step = lineSearch(f, x, value, grad, direction);
    if (!step) break;
    s.push(step.x.map((v, i) => v - x[i]));
    y.push(step.grad.map((v, i) => v - grad[i]));
    if (s.length > HISTORY) {
      s.shift();
      y.shift();
    }
    x.set(step.x);
    grad = step.grad;
    value = step.value;
  }
}

// The L-BFGS two-loop recursion: −H·grad from the last few steps and gradient changes.
function twoLoop(grad: Float64Array, s: Float64Array[], y: Float64Array[]): Float64Array {
  const q = grad.map((g) => -g);
  const alpha: number[] = [];
  for (let k = s.length - 1; k >= 0; k--) {
    alpha[k] = dot(s[k], q) / dot(y[k], s[k]);
    for (let i = 0; i < q.length; i++) q[i] -= alpha[k] * y[k][i];
  }
  if (s.length > 0) {
    const last = s.length - 1;
    const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
    for (let i = 0; i < q.length; i++) q[i] *= gamma;
  }
  for (let k = 0; k < s.length; k++) {
    const beta = dot(y[k], q) / dot(y[k], s[k]);
    for (let i = 0; i < q.length; i++) q[i] += s[k][i] * (alpha[k] - beta);
  }
  return q;
}

function lineSearch(f: Objective, x: Float64Array, value: number, grad: Float64Array, direction: Float64Array) {
  const slope = dot(grad, direction);
  const next = new Float64Array(x.length);
  const nextGrad = new Float64Array(x.length);
  for (let t = 1, tries = 0; tries < 30; t /= 2, tries++) {
    for (let i = 0; i < x.length; i++) next[i] = x[i] + t * direction[i];
    const v = f(next, nextGrad);
    if (v <= value + 1e-4 * t * slope) return { x: next, grad: nextGrad, value: v };
  }
  return null;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
