// Diagonal Fisher information of a model on text (Matena & Raffel 2022): the mean over sampled
// sequences of the squared gradient of the sequence's mean token log-likelihood. Labels are
// either drawn from the model's own predictive distribution (the Fisher proper) or the observed
// next tokens (the "empirical Fisher"); the caller says which, and the result records it.
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel } from '../model/llama';
import type { Kernels } from '../kernels';
import { forward, targetLogProbs } from '../model/llama';
import { MixtureSampler } from '../data/sampler';
import type { TokenizedText } from '../data/tokens';

export interface FisherOptions {
  samples: number;
  seqLen: number;
  sampledLabels: boolean;
  seed: number;
  bos: number;
}

export async function diagonalFisher(model: LlamaModel, text: TokenizedText, o: FisherOptions, kernels: Kernels, progress?: (done: number) => void): Promise<Record<string, Float32Array>> {
  const names = Object.keys(model.params);
  const vars = names.map((n) => tf.variable(model.params[n], true, `fisher-${n}-${Math.random().toString(36).slice(2)}`));
  const varModel: LlamaModel = { config: model.config, params: Object.fromEntries(names.map((n, i) => [n, vars[i] as tf.Tensor])) };
  // In tidy: a variable shares its initial tensor's data, which would otherwise outlive it.
  const acc = names.map((n) => tf.tidy(() => tf.variable(tf.zerosLike(model.params[n]), false)));
  const sampler = new MixtureSampler([{ id: 'text', weight: 1, text }], 1, o.seqLen, o.seed, o.bos);
  try {
    for (let s = 0; s < o.samples; s++) {
      const b = sampler.batch(s);
      tf.tidy(() => {
        const inputs = tf.tensor2d(b.inputs, [1, o.seqLen], 'int32');
        let labels: tf.Tensor2D = tf.tensor2d(b.targets, [1, o.seqLen], 'int32');
        if (o.sampledLabels) {
          // Sampling the labels happens outside variableGrads: it is not differentiated.
          const logits = tf.reshape(forward(varModel, inputs, kernels), [o.seqLen, -1]) as tf.Tensor2D;
          labels = tf.reshape(tf.multinomial(logits, 1, o.seed * 100003 + s), [1, o.seqLen]) as tf.Tensor2D;
        }
        const { grads } = tf.variableGrads(() => tf.neg(tf.mean(targetLogProbs(varModel, inputs, labels, kernels))) as tf.Scalar, vars);
        vars.forEach((v, i) => acc[i].assign(tf.add(acc[i], tf.square(grads[v.name]))));
      });
      progress?.(s + 1);
    }
    const out: Record<string, Float32Array> = {};
    for (let i = 0; i < names.length; i++) {
      const mean = tf.div(acc[i], o.samples);
      out[names[i]] = (await mean.data()) as Float32Array;
      mean.dispose();
    }
    return out;
  } finally {
    tf.dispose([...vars, ...acc]);
  }
}
