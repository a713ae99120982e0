// AdamW (Loshchilov & Hutter 2019) over named tf.Variables: decoupled weight decay, bias
// correction, as torch.optim.AdamW. Our own rather than tf.train.adam because tfjs has no
// decoupled decay, and because the moments must be saved by name for exact resumption.
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01 };

/** One parameter for a fused update: p, m, v are changed in place. */
export interface FusedAdamWItem {
  p: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
  g: tf.Tensor;
  decay: boolean;
}

/**
 * A backend's fused AdamW update of every parameter at once (gpu/kernels/adamw on WebGPU). It
 * must compute exactly what apply() computes, with the gradients scaled by the clipping factor
 * min(1, maxNorm / (norm + 1e-6)) when `clip` is given.
 */
export type FusedAdamWStep = (
  items: FusedAdamWItem[],
  hyper: AdamWOptions & { lr: number; bc1: number; bc2: number },
  clip: { norm: tf.Scalar; maxNorm: number } | undefined,
) => void;

/** Moments by parameter name, plus the number of updates taken (for bias correction). */
export interface AdamWState {
  step: number;
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
}

/**
 * Norm weights (rank 1) are not decayed: pulling an RMSNorm gain towards 0 shrinks the whole
 * residual branch, which is not the regularisation anyone wants (nanoGPT's rule: decay dim >= 2).
 */
export function decays(param: tf.Tensor): boolean {
  return param.rank >= 2;
}

export class AdamW {
  private m: Record<string, tf.Variable> = {};
  private v: Record<string, tf.Variable> = {};
  step = 0;

  constructor(readonly params: Record<string, tf.Variable>, readonly opts: AdamWOptions = DEFAULT_ADAMW) {
    // Inside tidy: a variable shares its initial tensor's data, so the zeros tensor left outside
    // would keep the moments' memory alive after dispose() (two model-sized buffers per run).
    for (const [name, p] of Object.entries(params)) {
      this.m[name] = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      this.v[name] = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
    }
  }

  /** One update with learning rate `lr`; `grads` holds a gradient for every trainable name. */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.opts;
    const bc1 = 1 - Math.pow(beta1, this.step);
    const bc2 = 1 - Math.pow(beta2, this.step);
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = this.params[name];
        if (!p) throw new Error(`AdamW got a gradient for unknown parameter ${name}`);
        const m = tf.add(tf.mul(this.m[name], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[name], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[name].assign(m);
        this.v[name].assign(v);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        // Decoupled decay: p <- p (1 - lr wd) - lr update, as torch.optim.AdamW.
        const decayed = weightDecay > 0 && decays(p) ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      }
    });
  }

  /** The same update through a fused kernel, with gradient clipping folded in. */
  applyFused(fused: FusedAdamWStep, grads: Record<string, tf.Tensor>, lr: number, clip?: { norm: tf.Scalar; maxNorm: number }): void {
    this.step += 1;
    const items = Object.entries(grads).map(([name, g]) => {
      const p = this.params[name];
      if (!p) throw new Error(`AdamW got a gradient for unknown parameter ${name}`);
      return { p, m: this.m[name], v: this.v[name], g, decay: decays(p) };
    });
    fused(items, { ...this.opts, lr, bc1: 1 - Math.pow(this.opts.beta1, this.step), bc2: 1 - Math.pow(this.opts.beta2, this.step) }, clip);
  }

  getState(): AdamWState {
    return { step: this.step, m: { ...this.m }, v: { ...this.v } };
  }

  /** Restores moments saved by getState (for example read back from a checkpoint). */
  setState(state: { step: number; m: Record<string, tf.Tensor>; v: Record<string, tf.Tensor> }): void {
    for (const name of Object.keys(this.m)) {
      const m = state.m[name];
      const v = state.v[name];
      if (!m || !v) throw new Error(`optimizer state lacks the moments of ${name}`);
      this.m[name].assign(m);
      this.v[name].assign(v);
    }
    this.step = state.step;
  }

  dispose(): void {
    for (const t of [...Object.values(this.m), ...Object.values(this.v)]) t.dispose();
  }
}
