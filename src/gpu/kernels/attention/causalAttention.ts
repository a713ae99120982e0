// Causal grouped-query attention on WebGPU without the (B, heads, T, T) score matrix, in the
// token-major layout the projections produce (no transposes). Forward: a thread per (batch,
// position, query head) walks keys 0..i with an online softmax (running max and sum, as
// FlashAttention) and accumulates the output row in registers. Backward recomputes the
// probabilities instead of storing them: one program gives each query row its log-sum-exp and
// D = dO . O, then dQ (a thread per query row) and dK with dV (one program: a thread per key row
// and KV head, summing over the query heads that share it and over later positions) follow the
// usual softmax-attention gradients: dS = P (dP - D), dP = dO V^T.
// Reference: core/model/kernels.ts stockCausalAttention; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, registerStudioKernel, runKernel, runProgram, type KernelProgram } from '../program';

const FORWARD = 'StudioCausalAttention';
const STATS = 'StudioCausalAttentionStats';
const GRAD_Q = 'StudioCausalAttentionGradQ';
const GRAD_KV = 'StudioCausalAttentionGradKV';
const WORKGROUP = 64;

interface Dims {
  b: number;
  t: number;
  hq: number;
  hkv: number;
  hd: number;
}

function dimsOf(q: tf.TensorInfo, k: tf.TensorInfo): Dims {
  const [b, t, hq, hd] = q.shape;
  return { b, t, hq, hkv: k.shape[2], hd };
}

/**
 * Shared WGSL: sizes as constants of the shader (head size fixes the register arrays), the row
 * addressing of (B, T, H, hd) tensors and the dot product of a register row with a stored row.
 */
function prelude(d: Dims): string {
  return `
const HD = ${d.hd};
const HQ = ${d.hq};
const HKV = ${d.hkv};
const NREP = ${d.hq / d.hkv};
const SCALE = ${1 / Math.sqrt(d.hd)};
/** Start of row (b, position, head) in a (B, T, heads, HD) tensor. */
fn qRow(b : i32, pos : i32, h : i32) -> i32 { return ((b * uniforms.t + pos) * HQ + h) * HD; }
fn kvRow(b : i32, pos : i32, h : i32) -> i32 { return ((b * uniforms.t + pos) * HKV + h) * HD; }`;
}

/** A program with one thread per row of `rows` rows. */
function rowProgram(key: string, d: Dims, inputs: string[], outputShape: number[], rows: number, body: string): KernelProgram {
  return {
    key: `${key}_${d.hd}_${d.hq}_${d.hkv}`,
    inputs,
    outputShape,
    workgroup: WORKGROUP,
    workgroups: Math.ceil(rows / WORKGROUP),
    uniforms: [{ name: 't', type: 'i32', value: d.t }, { name: 'rows', type: 'i32', value: rows }],
    code: `${prelude(d)}
${MAIN} {
  if (index >= uniforms.rows) { return; }
${body}
}`,
  };
}

/** Decodes a query row index into batch b, position i, query head h and its KV head kh. */
const QUERY_ROW = `
  let h = index % HQ;
  let i = (index / HQ) % uniforms.t;
  let b = index / (HQ * uniforms.t);
  let kh = h / NREP;
  let qBase = qRow(b, i, h);`;

/**
 * The online softmax over keys 0..i of the scaled query row `qr`: afterwards m is the running
 * max and l the sum of exp(s - m); `accumulate` may use the key row kBase, p = exp(s - m) and the
 * factor `correction` that rescales what was accumulated under the previous max.
 */
function onlineSoftmax(accumulate: string): string {
  return `
  var m = -3.402823e38;
  var l = 0.0;
  for (var j = 0; j <= i; j++) {
    let kBase = kvRow(b, j, kh);
    var s = 0.0;
    for (var c = 0; c < HD; c++) { s += qr[c] * k[kBase + c]; }
    let mNew = max(m, s);
    let correction = exp(m - mNew);
    let p = exp(s - mNew);
    l = l * correction + p;
    ${accumulate}
    m = mNew;
  }`;
}

function register(): void {
  registerStudioKernel(FORWARD, ({ q, k, v }, backend) => {
    const d = dimsOf(q, k);
    const rows = d.b * d.t * d.hq;
    return runProgram(backend, rowProgram('attn_fwd', d, ['q', 'k', 'v'], q.shape, rows, `${QUERY_ROW}
  var qr : array<f32, HD>;
  var acc : array<f32, HD>;
  for (var c = 0; c < HD; c++) { qr[c] = q[qBase + c] * SCALE; acc[c] = 0.0; }
${onlineSoftmax('for (var c = 0; c < HD; c++) { acc[c] = acc[c] * correction + p * v[kBase + c]; }')}
  for (var c = 0; c < HD; c++) { result[qBase + c] = acc[c] / l; }`), [q, k, v]);
  });

  // Per query row: [log-sum-exp of its scaled scores, D = dO . O], shape (B, T, Hq, 2).
  registerStudioKernel(STATS, ({ q, k, o, dO }, backend) => {
    const d = dimsOf(q, k);
    const rows = d.b * d.t * d.hq;
    return runProgram(backend, rowProgram('attn_stats', d, ['q', 'k', 'o', 'dO'], [d.b, d.t, d.hq, 2], rows, `${QUERY_ROW}
  var qr : array<f32, HD>;
  var dot = 0.0;
  for (var c = 0; c < HD; c++) { qr[c] = q[qBase + c] * SCALE; dot += dO[qBase + c] * o[qBase + c]; }
${onlineSoftmax('')}
  result[index * 2] = m + log(l);
  result[index * 2 + 1] = dot;`), [q, k, o, dO]);
  });

  registerStudioKernel(GRAD_Q, ({ q, k, v, dO, stats }, backend) => {
    const d = dimsOf(q, k);
    const rows = d.b * d.t * d.hq;
    return runProgram(backend, rowProgram('attn_dq', d, ['q', 'k', 'v', 'dO', 'stats'], q.shape, rows, `${QUERY_ROW}
  var qr : array<f32, HD>;
  var gr : array<f32, HD>;
  var acc : array<f32, HD>;
  for (var c = 0; c < HD; c++) { qr[c] = q[qBase + c] * SCALE; gr[c] = dO[qBase + c]; acc[c] = 0.0; }
  let lse = stats[index * 2];
  let dd = stats[index * 2 + 1];
  for (var j = 0; j <= i; j++) {
    let kBase = kvRow(b, j, kh);
    var s = 0.0;
    var dp = 0.0;
    for (var c = 0; c < HD; c++) { s += qr[c] * k[kBase + c]; dp += gr[c] * v[kBase + c]; }
    let ds = exp(s - lse) * (dp - dd);
    for (var c = 0; c < HD; c++) { acc[c] += ds * k[kBase + c]; }
  }
  for (var c = 0; c < HD; c++) { result[qBase + c] = acc[c] * SCALE; }`), [q, k, v, dO, stats]);
  });

  // dK and dV: a thread per (batch, key position j, KV head), over the NREP query heads sharing
  // it and the positions i >= j that see key j.
  const keyRow = `
  let kh = index % HKV;
  let j = (index / HKV) % uniforms.t;
  let b = index / (HKV * uniforms.t);
  let kBase = kvRow(b, j, kh);`;

  // dK and dV in one program (they share every score): output (2, B, T, Hkv, hd), dK first.
  registerStudioKernel(GRAD_KV, ({ q, k, v, dO, stats }, backend) => {
    const d = dimsOf(q, k);
    const rows = d.b * d.t * d.hkv;
    return runProgram(backend, rowProgram('attn_dkv', d, ['q', 'k', 'v', 'dO', 'stats'], [2, ...k.shape], rows, `${keyRow}
  var kr : array<f32, HD>;
  var vr : array<f32, HD>;
  var dk : array<f32, HD>;
  var dv : array<f32, HD>;
  for (var c = 0; c < HD; c++) { kr[c] = k[kBase + c]; vr[c] = v[kBase + c]; dk[c] = 0.0; dv[c] = 0.0; }
  for (var r = 0; r < NREP; r++) {
    let h = kh * NREP + r;
    for (var i = j; i < uniforms.t; i++) {
      let qBase = qRow(b, i, h);
      let st = (qBase / HD) * 2;
      var s = 0.0;
      var dp = 0.0;
      for (var c = 0; c < HD; c++) { s += q[qBase + c] * kr[c]; dp += dO[qBase + c] * vr[c]; }
      let p = exp(s * SCALE - stats[st]);
      let ds = p * (dp - stats[st + 1]);
      for (var c = 0; c < HD; c++) { dk[c] += ds * q[qBase + c]; dv[c] += p * dO[qBase + c]; }
    }
  }
  let second = uniforms.rows * HD;
  for (var c = 0; c < HD; c++) { result[kBase + c] = dk[c] * SCALE; result[second + kBase + c] = dv[c]; }`), [q, k, v, dO, stats]);
  });
}

export function causalAttentionKernel(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  register();
  const op = customOp(([qIn, kIn, vIn], save) => {
    const o = runKernel(FORWARD, { q: qIn, k: kIn, v: vIn });
    save([qIn, kIn, vIn, o]);
    return {
      value: o,
      gradFunc: (dO: tf.Tensor, saved: tf.Tensor[]) => {
        const [qs, ks, vs, os] = saved;
        const stats = runKernel(STATS, { q: qs, k: ks, o: os, dO });
        const dq = runKernel(GRAD_Q, { q: qs, k: ks, v: vs, dO, stats });
        const dkv = runKernel(GRAD_KV, { q: qs, k: ks, v: vs, dO, stats });
        const [dk, dv] = tf.unstack(dkv);
        tf.dispose([stats, dkv]);
        return [dq, dk, dv];
      },
    };
  });
  return op(q, k, v) as tf.Tensor4D;
}
