import { type Mat, zeros } from '../linalg/mat.ts';
import { type Optimizer, assertGradsMatch } from './gd.ts';

/** Settings of adam; every field states its default (Keras' defaults, which AMG used, THEORY §8.8). */
export interface AdamOptions {
  /** Learning rate lr. Default 1e-3. */
  learningRate?: number;
  /** Decay of the first-moment average β₁ ∈ [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average β₂ ∈ [0, 1). Default 0.999. */
  beta2?: number;
  /** ε added to √v (Keras' placement, see adam). Default 1e-7. */
  epsilon?: number;
}

/** State of Adam: plain data, one moment buffer per layer, and β^t kept as running products. */
export interface AdamState {
  /** Number of updates taken. */
  step: number;
  /** First moments m_j (shapes of the weights). */
  m: Mat[];
  /** Second moments v_j (shapes of the weights). */
  v: Mat[];
  /** β₁^step and β₂^step. */
  beta1Power: number;
  beta2Power: number;
}

function normalize(o: AdamOptions): Required<AdamOptions> {
  const n = { learningRate: o.learningRate ?? 1e-3, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, epsilon: o.epsilon ?? 1e-7 };
  if (!(Number.isFinite(n.learningRate) && n.learningRate >= 0)) throw new RangeError(`adam: learningRate must be a finite number ≥ 0, got ${o.learningRate}`);
  if (!(n.beta1 >= 0 && n.beta1 < 1)) throw new RangeError(`adam: beta1 must lie in [0, 1), got ${o.beta1}`);
  if (!(n.beta2 >= 0 && n.beta2 < 1)) throw new RangeError(`adam: beta2 must lie in [0, 1), got ${o.beta2}`);
  if (!(Number.isFinite(n.epsilon) && n.epsilon > 0)) throw new RangeError(`adam: epsilon must be a finite number > 0, got ${o.epsilon}`);
  return n;
}

/**
 * Adam (Kingma & Ba 2015) as Keras implements it: with t = step + 1,
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², W ← W − α_t·m/(√v + ε), α_t = lr·√(1−β₂^t)/(1−β₁^t).
 * (Same as optax's m̂/(√v̂ + ε̂) with ε̂ = ε/√(1−β₂^t).) update returns α_t and allocates nothing.
 */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  const { learningRate, beta1, beta2, epsilon } = normalize(options);
  return {
    name: 'adam',
    init: (weights) => ({
      step: 0,
      m: weights.map((w) => zeros(w.rows, w.cols)),
      v: weights.map((w) => zeros(w.rows, w.cols)),
      beta1Power: 1,
      beta2Power: 1,
    }),
    update(weights, grads, state) {
      assertGradsMatch(weights, grads);
      assertGradsMatch(weights, state.m);
      state.beta1Power *= beta1;
      state.beta2Power *= beta2;
      const alpha = (learningRate * Math.sqrt(1 - state.beta2Power)) / (1 - state.beta1Power);
      for (let j = 0; j < weights.length; j++) {
        const w = weights[j].data, g = grads[j].data, m = state.m[j].data, v = state.v[j].data;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i];
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
          w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
        }
      }
      state.step++;
      return alpha;
    },
  };
}
