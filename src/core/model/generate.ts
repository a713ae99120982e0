// Autoregressive text generation for the studio's Llama model: a KV cache so each new token costs
// one position (every layer keeps its keys, after RoPE, and values for the positions so far; the
// new position attends to them), seeded sampling (temperature, top-k, top-p) on the repo's RNG,
// and stopping at EOS, a stop string, maxTokens, the model's context or the caller's stop. The
// linear layers, norms, RoPE and MLP run on the Kernels value the caller passes, like forward();
// only the attention of new positions against the cache is written here in stock ops
// (ModelOps.causalAttention takes equal query and key lengths). One Generation holds the state of
// a decode; generate() drives it synchronously, generateStreaming() asynchronously (reads logits
// with data(), so a GPU backend is never read synchronously, and lets its caller stop between tokens).
import * as tf from '@tensorflow/tfjs';
import type { Kernels } from '../kernels';
import { validateSettings, type SettingsOf, type Spec } from '../params';
import { mulberry32 } from '../rng';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { continuationTokens } from '../eval/score';
import { headDim, type LlamaConfig } from './config';
import { layerPrefix } from './weights';
import { embedTokens, linear, mlp, outputLogits, ropeTables, type LlamaModel } from './llama';

/** Generation options as schema entries (core/params.ts); `stop` is checked by generationOptions. */
export const GENERATION_SETTINGS = [
  { name: 'maxTokens', kind: 'int', min: 1, max: 100_000, default: 64, label: 'max tokens', help: 'new tokens at most; generation also ends at EOS, a stop string or the end of the context' },
  { name: 'temperature', kind: 'number', min: 0, max: 100, default: 1, label: 'temperature', help: 'divides the logits before sampling; 0 takes the most likely token (greedy)' },
  { name: 'topK', kind: 'int', min: 0, max: { ref: 'vocab_size', label: 'vocab_size' }, default: 0, label: 'top-k', help: 'sample among the k most likely tokens; 0 keeps every token' },
  { name: 'topP', kind: 'number', min: 0, minExclusive: true, max: 1, default: 1, label: 'top-p', help: 'sample among the most likely tokens whose probabilities sum to at least p (nucleus); 1 keeps every token' },
  { name: 'seed', kind: 'int', min: 0, max: 4294967295, default: 0, label: 'seed', help: 'the sampling stream: the same seed, model and prompt give the same text' },
] as const satisfies readonly Spec[];

export type GenerationOptions = SettingsOf<typeof GENERATION_SETTINGS> & { stop: string[] };

/**
 * Checks generation options for a model of `config` and fills defaults; throws a message naming the field and
 * what is allowed. `stop` (optional) is a list of non-empty strings.
 */
export function generationOptions(config: Pick<LlamaConfig, 'vocab_size'>, input: unknown = {}): GenerationOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('generation options must be an object');
  const { stop, ...rest } = input as Record<string, unknown>;
  const o = validateSettings(GENERATION_SETTINGS, rest, { limits: { vocab_size: config.vocab_size } }, 'generation option');
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string' || s.length === 0))) {
    throw new Error(`stop must be a list of non-empty strings, got ${JSON.stringify(stop)}`);
  }
  return { ...o, stop: stop === undefined ? [] : [...(stop as string[])] };
}

/** What ended a generation: EOS, a stop string, maxTokens, the end of the context, or the caller ('stopped'). */
export type StoppedBy = 'eos' | 'stop' | 'maxTokens' | 'context' | 'stopped';

export interface GenerationResult {
  /** The generated text (prompt not included), cut before the first stop string. */
  text: string;
  /** The generated token ids, including the EOS or the token that completed a stop string. */
  tokens: number[];
  stoppedBy: StoppedBy;
}

/** What the per-token callback sees: the new token and the generated text so far. */
export interface GenerationStep {
  token: number;
  index: number;
  text: string;
}

/** Per layer: keys (after RoPE) and values of the positions so far, (1, n, Hkv, hd). */
export interface KvCache {
  keys: tf.Tensor4D[];
  values: tf.Tensor4D[];
  /** Positions held. */
  length: number;
}

export function emptyCache(): KvCache {
  return { keys: [], values: [], length: 0 };
}

export function disposeCache(c: KvCache): void {
  for (const t of [...c.keys, ...c.values]) t.dispose();
}

/**
 * Softmax attention of T new queries at positions offset..offset+T-1 over all N = offset + T
 * cached keys, query i seeing keys 0..offset+i. q (1, T, Hq, hd), k and v (1, N, Hkv, hd).
 */
function cachedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, offset: number): tf.Tensor4D {
  const [b, t, hq, hd] = q.shape;
  const [, n, hkv] = k.shape;
  const nRep = hq / hkv;
  const headMajor = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1, 3]);
  const qGrouped = tf.reshape(headMajor(q), [b, hkv, nRep * t, hd]);
  const mask = new Float32Array(nRep * t * n);
  for (let r = 0; r < nRep * t; r++) for (let j = offset + (r % t) + 1; j < n; j++) mask[r * n + j] = -1e9;
  const scores = tf.add(tf.mul(tf.matMul(qGrouped, headMajor(k), false, true), 1 / Math.sqrt(hd)), tf.tensor2d(mask, [nRep * t, n]));
  const attn = tf.reshape(tf.matMul(tf.softmax(scores, -1), headMajor(v)), [b, hq, t, hd]);
  return headMajor(attn) as tf.Tensor4D;
}

/** RoPE tables for every position of the model's context. */
function contextRope(model: LlamaModel) {
  return ropeTables(model.config.max_position_embeddings, headDim(model.config), model.config.rope_theta);
}

/**
 * Runs `tokens` (the next positions after the cache) through the model, appends their keys and
 * values to `cache` (the old tensors are disposed) and returns the logits of the last new
 * position, (V), read synchronously. Costs the new positions only. `rope` holds tables for every position.
 */
export function extend(model: LlamaModel, cache: KvCache, tokens: number[], kernels: Kernels, rope = contextRope(model)): Float32Array {
  const logits = extendLogits(model, cache, tokens, kernels, rope);
  const values = Float32Array.from(logits.dataSync());
  logits.dispose();
  return values;
}

/** extend(), returning the logits (V) as a tensor the caller reads and disposes. */
export function extendLogits(model: LlamaModel, cache: KvCache, tokens: number[], kernels: Kernels, rope: { cos: tf.Tensor2D; sin: tf.Tensor2D }): tf.Tensor1D {
  const { config: c, params: p } = model;
  const t = tokens.length;
  const offset = cache.length;
  if (t < 1) throw new Error('extend needs at least one token');
  if (offset + t > c.max_position_embeddings) throw new Error(`${offset + t} positions exceed max_position_embeddings ${c.max_position_embeddings}`);
  const ops = kernels.model;
  const hd = headDim(c);
  const hq = c.num_attention_heads;
  const hkv = c.num_key_value_heads;
  const out = tf.tidy(() => {
    const cos = tf.slice(rope.cos, [offset, 0], [t, hd]);
    const sin = tf.slice(rope.sin, [offset, 0], [t, hd]);
    const heads = (y: tf.Tensor, h: number) => tf.reshape(y, [1, t, h, hd]) as tf.Tensor4D;
    let x: tf.Tensor = embedTokens(p, tf.tensor2d(tokens, [1, t], 'int32'));
    const keys: tf.Tensor4D[] = [];
    const values: tf.Tensor4D[] = [];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const pre = layerPrefix(i);
      const a = `${pre}.self_attn`;
      const xn = ops.rmsNorm(x, p[`${pre}.input_layernorm.weight`], c.rms_norm_eps);
      const q = ops.rope(heads(linear(ops, xn, p[`${a}.q_proj.weight`]), hq), cos, sin);
      const kNew = ops.rope(heads(linear(ops, xn, p[`${a}.k_proj.weight`]), hkv), cos, sin);
      const vNew = heads(linear(ops, xn, p[`${a}.v_proj.weight`]), hkv);
      const k = offset ? (tf.concat([cache.keys[i], kNew], 1) as tf.Tensor4D) : kNew;
      const v = offset ? (tf.concat([cache.values[i], vNew], 1) as tf.Tensor4D) : vNew;
      keys.push(k);
      values.push(v);
      const attn = cachedAttention(q, k, v, offset);
      const h = tf.add(x, linear(ops, tf.reshape(attn, [1, t, hq * hd]), p[`${a}.o_proj.weight`]));
      const hn = ops.rmsNorm(h, p[`${pre}.post_attention_layernorm.weight`], c.rms_norm_eps);
      x = tf.add(h, mlp(c, ops, p, `${pre}.mlp`, hn));
    }
    const last = tf.slice(x, [0, t - 1, 0], [1, 1, c.hidden_size]);
    const logits = outputLogits(model, ops, ops.rmsNorm(last, p['model.norm.weight'], c.rms_norm_eps));
    return { logits: tf.reshape(logits, [-1]) as tf.Tensor1D, keys, values };
  });
  disposeCache(cache);
  cache.keys = out.keys;
  cache.values = out.values;
  cache.length = offset + t;
  return out.logits;
}

/** The index of the largest value; the first one on ties. */
export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/**
 * One token from `logits`: argmax at temperature 0, else a draw of `rand` from softmax(logits /
 * temperature) restricted to the topK most likely tokens (0: all) and then to the smallest set of
 * them whose probability reaches topP. Ties keep the lower id first, so a draw is reproducible.
 */
export function sampleToken(logits: ArrayLike<number>, o: { temperature: number; topK: number; topP: number }, rand: () => number): number {
  if (o.temperature === 0) return argmax(logits);
  const order = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const kept = o.topK > 0 ? order.slice(0, o.topK) : order;
  const top = logits[kept[0]] / o.temperature;
  const w = kept.map((i) => Math.exp(logits[i] / o.temperature - top));
  const total = w.reduce((s, x) => s + x, 0);
  let n = 0;
  let mass = 0;
  while (n < w.length && (n === 0 || mass < o.topP * total)) mass += w[n++];
  const u = rand() * mass;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += w[i];
    if (u < acc) return kept[i];
  }
  return kept[n - 1];
}

/**
 * One decode in progress. The model reads BOS then the prompt's tokens (as scoreTexts does), so
 * BOS + prompt must fit max_position_embeddings (the constructor throws otherwise, and on bad
 * options); new tokens come until EOS, a stop string in the generated text, options.maxTokens,
 * the context is full (the last token needs logits at position max_position_embeddings - 1) or
 * stop() is called. Each turn: logits() for the next position, then accept() them.
 */
export class Generation {
  readonly options: GenerationOptions;
  private readonly rand: () => number;
  private readonly rope: { cos: tf.Tensor2D; sin: tf.Tensor2D };
  private readonly cache = emptyCache();
  /** Tokens the next logits() call feeds: BOS and the prompt first, then the last new token. */
  private pending: number[];
  private readonly tokens: number[] = [];
  private text = '';
  private stoppedBy?: StoppedBy;

  constructor(private readonly model: LlamaModel, private readonly tokenizer: Tokenizer, prompt: string, options: unknown, private readonly kernels: Kernels) {
    if (typeof prompt !== 'string') throw new Error('prompt must be a string');
    this.options = generationOptions(model.config, options);
    const maxPos = model.config.max_position_embeddings;
    this.pending = [tokenizer.bos, ...continuationTokens(tokenizer, prompt)];
    if (this.pending.length > maxPos) throw new Error(`the prompt is ${this.pending.length - 1} tokens; at most ${maxPos - 1} fit before a new token (max_position_embeddings ${maxPos}, one for BOS)`);
    this.rand = mulberry32(this.options.seed);
    this.rope = contextRope(model);
  }

  get done(): boolean {
    return this.stoppedBy !== undefined;
  }

  /** The logits (V) of the next position, one cached position per call after the prompt. */
  logits(): tf.Tensor1D {
    if (this.done) throw new Error(`the generation has ended (${this.stoppedBy})`);
    return extendLogits(this.model, this.cache, this.pending, this.kernels, this.rope);
  }

  /** Samples the next token from `logits`, applies the stop rules, and says what came. */
  accept(logits: ArrayLike<number>): GenerationStep {
    const o = this.options;
    const token = sampleToken(logits, o, this.rand);
    this.tokens.push(token);
    const full = this.tokenizer.decode(this.tokens);
    const cut = o.stop.map((s) => full.indexOf(s)).filter((i) => i >= 0);
    this.text = cut.length ? full.slice(0, Math.min(...cut)) : full;
    if (token === this.tokenizer.eos) this.stoppedBy = 'eos';
    else if (cut.length) this.stoppedBy = 'stop';
    else if (this.tokens.length >= o.maxTokens) this.stoppedBy = 'maxTokens';
    else if (this.cache.length >= this.model.config.max_position_embeddings) this.stoppedBy = 'context';
    this.pending = [token];
    return { token, index: this.tokens.length - 1, text: this.text };
  }

  /** Ends the generation before its next token; the text so far is the result. */
  stop(): void {
    this.stoppedBy ??= 'stopped';
  }

  result(): GenerationResult {
    return { text: this.text, tokens: [...this.tokens], stoppedBy: this.stoppedBy ?? 'stopped' };
  }

  dispose(): void {
    disposeCache(this.cache);
    this.rope.cos.dispose();
    this.rope.sin.dispose();
  }
}

/** Generates text after `prompt` (see Generation for the limits); `onToken` sees every new token as it comes. */
export function generate(model: LlamaModel, tokenizer: Tokenizer, prompt: string, options: unknown, kernels: Kernels, onToken?: (s: GenerationStep) => void): GenerationResult {
  const g = new Generation(model, tokenizer, prompt, options, kernels);
  try {
    while (!g.done) {
      const t = g.logits();
      const logits = t.dataSync();
      t.dispose();
      const step = g.accept(logits);
      onToken?.(step);
    }
    return g.result();
  } finally {
    g.dispose();
  }
}

export interface StreamingHooks {
  /** Sees every new token; awaited, so it may yield to the event loop (to let a stop request in). */
  onToken?: (s: GenerationStep) => void | Promise<void>;
  /** Asked before each new token; true ends the generation with stoppedBy 'stopped'. */
  shouldStop?: () => boolean;
}

/** generate(), reading logits asynchronously and stopping when hooks.shouldStop says so: the same tokens for the same seed. */
export async function generateStreaming(model: LlamaModel, tokenizer: Tokenizer, prompt: string, options: unknown, kernels: Kernels, hooks: StreamingHooks = {}): Promise<GenerationResult> {
  const g = new Generation(model, tokenizer, prompt, options, kernels);
  try {
    while (!g.done) {
      if (hooks.shouldStop?.()) {
        g.stop();
        break;
      }
      const t = g.logits();
      const logits = await t.data();
      t.dispose();
      const step = g.accept(logits);
      await hooks.onToken?.(step);
    }
    return g.result();
  } finally {
    g.dispose();
  }
}
