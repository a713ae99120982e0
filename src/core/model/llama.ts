// The whole Llama-family decoder as plain tfjs ops over a map of named tensors, in reading order:
// RMSNorm, RoPE, grouped-query attention, gated MLP, block, model, loss. No tf.layers: growth,
// merging and export work on the tensor names of weights.ts. The hot paths are the ModelOps of
// the Kernels value the caller passes (core/kernels.ts), so our WebGPU kernels replace them
// without touching the model's structure.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from './config';
import { headDim } from './config';
import { layerPrefix } from './weights';
import type { ModelOps } from './kernels';
import type { Kernels } from '../kernels';
import { recomputeInBackward } from './recompute';
import { rowShardsOf } from './shards';

/** Parameters by Hugging Face name; tf.Variables while training, plain tensors otherwise. */
export type ModelParams = Record<string, tf.Tensor>;

export interface LlamaModel {
  config: LlamaConfig;
  params: ModelParams;
}

/** y = x W^T for W in [out, in] layout, over any number of leading axes. */
export function linear(ops: ModelOps, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const lead = x.shape.slice(0, -1);
  const y = ops.linear(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, w as tf.Tensor2D);
  return tf.reshape(y, [...lead, w.shape[0]]);
}

/** RoPE tables in the transformers layout: cos/sin of [T, head_dim], halves repeated. */
export function ropeTables(seqLen: number, hd: number, theta: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = hd / 2;
  const cos = new Float32Array(seqLen * hd);
  const sin = new Float32Array(seqLen * hd);
  for (let t = 0; t < seqLen; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t / Math.pow(theta, (2 * i) / hd);
      cos[t * hd + i] = cos[t * hd + i + half] = Math.cos(angle);
      sin[t * hd + i] = sin[t * hd + i + half] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor2d(cos, [seqLen, hd]), sin: tf.tensor2d(sin, [seqLen, hd]) };
}

interface LayerContext {
  ops: ModelOps;
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
}

function attention(c: LlamaConfig, p: ModelParams, prefix: string, x: tf.Tensor, ctx: LayerContext): tf.Tensor {
  const [b, t] = x.shape;
  const hd = headDim(c);
  const hq = c.num_attention_heads;
  const hkv = c.num_key_value_heads;
  const k = ctx.ops;
  // Token-major (B, T, H, hd) throughout: the projections reshape into it for free and the
  // attention output is already in the layout o_proj reads.
  const heads = (y: tf.Tensor, h: number) => tf.reshape(y, [b, t, h, hd]) as tf.Tensor4D;
  const q = k.rope(heads(linear(k, x, p[`${prefix}.q_proj.weight`]), hq), ctx.cos, ctx.sin);
  const key = k.rope(heads(linear(k, x, p[`${prefix}.k_proj.weight`]), hkv), ctx.cos, ctx.sin);
  const v = heads(linear(k, x, p[`${prefix}.v_proj.weight`]), hkv);
  const attn = k.causalAttention(q, key, v);
  return linear(k, tf.reshape(attn, [b, t, hq * hd]), p[`${prefix}.o_proj.weight`]);
}

/** act(gate) * up: SiLU (SwiGLU, Llama's) through the kernels, or exact GELU (GeGLU). */
function gatedActivation(c: LlamaConfig, ops: ModelOps, gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  if (c.hidden_act === 'silu') return ops.swiglu(gate, up);
  return tf.mul(tf.mul(tf.mul(gate, 0.5), tf.add(1, tf.erf(tf.mul(gate, Math.SQRT1_2)))), up);
}

export function mlp(c: LlamaConfig, ops: ModelOps, p: ModelParams, prefix: string, x: tf.Tensor): tf.Tensor {
  const gated = gatedActivation(c, ops, linear(ops, x, p[`${prefix}.gate_proj.weight`]), linear(ops, x, p[`${prefix}.up_proj.weight`])); // (B, T, intermediate)
  return linear(ops, gated, p[`${prefix}.down_proj.weight`]);
}

function decoderLayer(c: LlamaConfig, p: ModelParams, i: number, x: tf.Tensor, ctx: LayerContext): tf.Tensor {
  const pre = layerPrefix(i);
  const { ops } = ctx;
  const h = tf.add(x, attention(c, p, `${pre}.self_attn`, ops.rmsNorm(x, p[`${pre}.input_layernorm.weight`], c.rms_norm_eps), ctx));
  return tf.add(h, mlp(c, ops, p, `${pre}.mlp`, ops.rmsNorm(h, p[`${pre}.post_attention_layernorm.weight`], c.rms_norm_eps)));
}

/**
 * A decoder layer whose inside the backward pass recomputes (recompute.ts): a training step keeps
 * its input only. The layer's weights are the block's inputs, so their gradients flow as before.
 */
function recomputedLayer(c: LlamaConfig, p: ModelParams, i: number, x: tf.Tensor, ctx: LayerContext): tf.Tensor {
  const pre = `${layerPrefix(i)}.`;
  const names = Object.keys(p).filter((n) => n.startsWith(pre));
  const layer = (input: tf.Tensor, weights: tf.Tensor[], [cos, sin]: tf.Tensor[]) =>
    decoderLayer(c, { ...p, ...Object.fromEntries(names.map((n, k) => [n, weights[k]])) }, i, input, { ops: ctx.ops, cos: cos as tf.Tensor2D, sin: sin as tf.Tensor2D });
  return recomputeInBackward(layer, x, names.map((n) => p[n]), [ctx.cos, ctx.sin]);
}

export interface ForwardOptions {
  /** Recompute each decoder layer's activations in the backward pass instead of keeping them (training). */
  recompute?: boolean;
}

/**
 * The token embedding (B, T, d) of ids (B, T). An embedding held in row shards (shards.ts) is
 * gathered from every shard with the ids outside it pointed at row 0 and masked to zero, and the
 * parts summed: each id takes its row from the one shard that holds it, and the gradient reaches
 * only that row (the masked rows get gradient times zero).
 */
export function embedTokens(p: ModelParams, tokens: tf.Tensor): tf.Tensor {
  const shards = rowShardsOf(p, 'model.embed_tokens.weight');
  if (shards.length === 1) return tf.gather(shards[0], tokens);
  let offset = 0;
  return tf.addN(shards.map((shard) => {
    const rows = shard.shape[0];
    const local = tf.sub(tokens, tf.scalar(offset, 'int32'));
    offset += rows;
    const inside = tf.logicalAnd(tf.greaterEqual(local, 0), tf.less(local, rows));
    const picked = tf.gather(shard, tf.where(inside, local, tf.zerosLike(local))); // (B, T, d)
    return tf.mul(picked, tf.expandDims(tf.cast(inside, 'float32'), -1));
  }));
}

/** The output head's tensors in vocabulary order: the embedding when tied, else lm_head, whole or in row shards. */
function headShards(model: LlamaModel): tf.Tensor2D[] {
  return rowShardsOf(model.params, model.config.tie_word_embeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
}

function scaled(c: LlamaConfig, logits: tf.Tensor): tf.Tensor {
  return c.logit_scale !== 1 ? tf.mul(logits, c.logit_scale) : logits;
}

/** Logits (..., V) of final hidden states (..., d): the head's shards side by side. */
export function outputLogits(model: LlamaModel, ops: ModelOps, x: tf.Tensor): tf.Tensor {
  const parts = headShards(model).map((w) => linear(ops, x, w));
  return scaled(model.config, parts.length === 1 ? parts[0] : tf.concat(parts, -1));
}

/** The final hidden states (B, T, d) of token ids (B, T): embedding, decoder layers, final norm. Call inside tf.tidy. */
function hiddenStates(model: LlamaModel, tokens: tf.Tensor2D, kernels: Kernels, options: ForwardOptions): tf.Tensor {
  const { config: c, params: p } = model;
  const ops = kernels.model;
  const t = tokens.shape[1];
  const { cos, sin } = ropeTables(t, headDim(c), c.rope_theta);
  const ctx: LayerContext = { ops, cos, sin };
  let x: tf.Tensor = embedTokens(p, tokens); // (B, T, d)
  // A scope per layer: without a tape (scoring, validation) a layer's intermediates are freed as
  // soon as it returns, so a batch holds one layer's activations, not every layer's (the 1M
  // model scoring 32 x 64 tokens on the CPU backend peaked at 472 MB, now 86 MB). With a tape,
  // what the backward pass needs is kept by the ops that saved it (a training step's peak is
  // unchanged, unless options.recompute keeps only each layer's input).
  const layer = options.recompute ? recomputedLayer : decoderLayer;
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const input = x;
    x = tf.tidy(() => layer(c, p, i, input, ctx));
  }
  return ops.rmsNorm(x, p['model.norm.weight'], c.rms_norm_eps);
}

/**
 * Logits (B, T, V) of token ids (B, T), with the model ops of `kernels`. Call inside tf.tidy.
 * One tensor of B x T x V values: for generation and sampling; the loss and scoring path
 * (targetLogProbs) never holds it whole when it exceeds the binding limit.
 */
export function forward(model: LlamaModel, tokens: tf.Tensor2D, kernels: Kernels, options: ForwardOptions = {}): tf.Tensor3D {
  return outputLogits(model, kernels.model, hiddenStates(model, tokens, kernels, options)) as tf.Tensor3D;
}

/**
 * log softmax(logits)[target] of one tile of positions over a head in row shards, without the
 * tile's full logits: per shard its logits (n, V_i), their log-sum-exp and the target's logit
 * where the target falls in the shard (a one-hot of an id outside [0, V_i) is all zeros), then
 * log p = target logit - logsumexp over the shards' log-sum-exps.
 */
function shardedTargetLogProbs(c: LlamaConfig, ops: ModelOps, x: tf.Tensor2D, targets: tf.Tensor1D, shards: tf.Tensor2D[]): tf.Tensor1D {
  let offset = 0;
  const sums: tf.Tensor[] = [];
  const picked: tf.Tensor[] = [];
  for (const w of shards) {
    const logits = scaled(c, ops.linear(x, w)); // (n, V_i)
    sums.push(tf.logSumExp(logits, 1));
    picked.push(tf.sum(tf.mul(logits, tf.oneHot(tf.sub(targets, tf.scalar(offset, 'int32')), w.shape[0])), 1));
    offset += w.shape[0];
  }
  return tf.sub(tf.addN(picked), tf.logSumExp(tf.stack(sums), 0)) as tf.Tensor1D;
}

/**
 * log p(target_t | tokens_<=t) for every position: (B, T). Call inside tf.tidy. When the logits
 * of the batch ([B x T, V] floats) or one of the head's tensors exceeds kernels.bindingLimitBytes,
 * the positions go through the head in tiles of as many positions as one shard's logits allow
 * under the limit, so no buffer of the loss, nor of its gradient, exceeds it.
 */
export function targetLogProbs(model: LlamaModel, inputs: tf.Tensor2D, targets: tf.Tensor2D, kernels: Kernels, options: ForwardOptions = {}): tf.Tensor2D {
  const ops = kernels.model;
  const x = hiddenStates(model, inputs, kernels, options); // (B, T, d)
  const [b, t, d] = x.shape;
  const shards = headShards(model);
  const widest = Math.max(...shards.map((w) => w.shape[0]));
  const limit = kernels.bindingLimitBytes;
  const tile = limit === undefined ? b * t : Math.max(1, Math.floor(limit / (Float32Array.BYTES_PER_ELEMENT * widest)));
  if (shards.length === 1 && tile >= b * t) return ops.targetLogProbs(outputLogits(model, ops, x) as tf.Tensor3D, targets);
  const flatX = tf.reshape(x, [b * t, d]) as tf.Tensor2D;
  const flatTargets = tf.reshape(targets, [b * t]) as tf.Tensor1D;
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < b * t; start += tile) {
    const n = Math.min(tile, b * t - start);
    const xs = tf.slice(flatX, [start, 0], [n, d]); // (n, d)
    const ts = tf.slice(flatTargets, [start], [n]);
    parts.push(shards.length === 1
      ? tf.reshape(ops.targetLogProbs(tf.reshape(outputLogits(model, ops, xs), [1, n, -1]) as tf.Tensor3D, tf.reshape(ts, [1, n]) as tf.Tensor2D), [n])
      : shardedTargetLogProbs(model.config, ops, xs, ts, shards));
  }
  return tf.reshape(parts.length === 1 ? parts[0] : tf.concat(parts), [b, t]) as tf.Tensor2D;
}

/** Mean next-token cross-entropy (nats) over positions where mask is 1. Call inside tf.tidy. */
export function lossOf(model: LlamaModel, inputs: tf.Tensor2D, targets: tf.Tensor2D, mask: tf.Tensor2D, kernels: Kernels, options: ForwardOptions = {}): tf.Scalar {
  const nll = tf.neg(targetLogProbs(model, inputs, targets, kernels, options));
  return tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}
