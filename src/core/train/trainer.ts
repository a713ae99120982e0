// One training run's engine, independent of where it runs (worker or Node test): named
// variables, AdamW, the schedule, clipping, gradient accumulation over micro-batches and the
// batch sampler, computed with the Kernels value the run was built with. The caller drives the
// loop so it can pause, evaluate and checkpoint between steps.
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel, ModelParams } from '../model/llama';
import { lossOf } from '../model/llama';
import type { LlamaConfig } from '../model/config';
import type { MixtureSampler } from '../data/sampler';
import type { Batch } from '../data/tokens';
import { AdamW } from './adamw';
import type { Kernels } from '../kernels';
import { clipByGlobalNorm, globalNorm } from './clip';
import type { ScheduleOptions } from './schedule';
import { learningRate } from './schedule';
import type { TrainSettings } from './settings';
import { recomputeActivations } from './recomputeMode';
import { parseShardName } from '../model/shards';

export interface StepResult {
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
}

export class Trainer {
  readonly variables: Record<string, tf.Variable>;
  readonly optimizer: AdamW;
  private readonly schedule: ScheduleOptions;
  /** Steps completed; the next step to run is `step`. */
  step = 0;

  constructor(
    readonly config: LlamaConfig,
    params: ModelParams,
    readonly settings: TrainSettings,
    readonly sampler: MixtureSampler,
    /** What every step computes with: the model ops, the gradient norm and, where it has one, a fused AdamW. */
    readonly kernels: Kernels,
    /** Names training may change (block expansion trains only the new blocks); all when absent. */
    trainable?: string[],
  ) {
    // `trainable` names weights as the architecture table does; a weight in row shards trains as a whole.
    const train = trainable && new Set(trainable);
    const trains = (name: string) => !train || train.has(parseShardName(name).base);
    this.variables = {};
    for (const [name, t] of Object.entries(params)) this.variables[name] = tf.variable(t, trains(name), `${name}`);
    const trainVars = Object.fromEntries(Object.entries(this.variables).filter(([n]) => trains(n)));
    this.optimizer = new AdamW(trainVars, {
      beta1: settings.beta1,
      beta2: settings.beta2,
      eps: 1e-8,
      weightDecay: settings.weightDecay,
    });
    this.schedule = {
      kind: settings.schedule,
      lr: settings.lr,
      totalSteps: settings.steps,
      warmupSteps: settings.warmupSteps,
      decayFraction: settings.decayFraction,
      minLrRatio: 0.1,
    };
  }

  get model(): LlamaModel {
    return { config: this.config, params: this.variables };
  }

  /** Runs the next step: batch, loss, gradients, clip, AdamW. Awaits only the two scalars. */
  async runStep(): Promise<StepResult> {
    const step = this.step;
    const lr = learningRate(this.schedule, step);
    const b = this.sampler.batch(step);
    const [lossT, normT] = tf.tidy(() => {
      const { kernels } = this;
      const { value, grads } = this.batchGrads(b);
      if (kernels.adamW) {
        const norm = globalNorm(grads, kernels);
        const clip = this.settings.clip > 0 ? { norm, maxNorm: this.settings.clip } : undefined;
        this.optimizer.applyFused(kernels.adamW, grads, lr, clip);
        return [value, norm];
      }
      const { grads: clipped, norm } = clipByGlobalNorm(grads, this.settings.clip, kernels);
      this.optimizer.apply(clipped, lr);
      return [value, norm];
    });
    const [loss, gradNorm] = await Promise.all([lossT.data(), normT.data()]);
    lossT.dispose();
    normT.dispose();
    this.step = step + 1;
    return { step: this.step, loss: loss[0], gradNorm: gradNorm[0], lr };
  }

  /**
   * The batch's mean loss and its gradients. With settings.microBatch (a divisor of the batch
   * size) they are summed over passes of microBatch rows, each pass's loss being its masked-token
   * sum over the whole batch's token count: the same loss and gradients as one pass (to float
   * rounding), with one pass's activations alive at a time. Old settings without it: one pass.
   */
  private batchGrads(b: Batch): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const vars = Object.values(this.optimizer.params);
    const rows = this.settings.microBatch > 0 ? this.settings.microBatch : b.batchSize;
    const T = b.seqLen;
    const recompute = recomputeActivations(this.settings.recompute, this.config, rows, T);
    const pass = (row: number, weight?: number) => tf.tidy(() => {
      const span = [row * T, (row + rows) * T] as const;
      const inputs = tf.tensor2d(b.inputs.subarray(...span), [rows, T], 'int32');
      const targets = tf.tensor2d(b.targets.subarray(...span), [rows, T], 'int32');
      const mask = tf.tensor2d(b.mask.subarray(...span), [rows, T]);
      const loss = () => lossOf(this.model, inputs, targets, mask, this.kernels, { recompute });
      return tf.variableGrads(weight === undefined ? loss : () => tf.mul(loss(), weight) as tf.Scalar, vars);
    });
    if (rows >= b.batchSize) return pass(0);
    const maskSum = (from: number, to: number) => b.mask.subarray(from * T, to * T).reduce((a, x) => a + x, 0);
    // lossOf divides by max(tokens, 1); weighting a pass by its tokens / the batch's gives sum / batch tokens.
    const batchTokens = Math.max(maskSum(0, b.batchSize), 1);
    let acc = pass(0, maskSum(0, rows) / batchTokens);
    for (let row = rows; row < b.batchSize; row += rows) {
      const next = pass(row, maskSum(row, row + rows) / batchTokens);
      const sum = { value: tf.add(acc.value, next.value) as tf.Scalar, grads: Object.fromEntries(Object.entries(acc.grads).map(([k, g]) => [k, tf.add(g, next.grads[k])])) };
      tf.dispose([acc.value, next.value, ...Object.values(acc.grads), ...Object.values(next.grads)]);
      acc = sum;
    }
    return acc;
  }

  dispose(): void {
    this.optimizer.dispose();
    for (const v of Object.values(this.variables)) v.dispose();
  }
}
