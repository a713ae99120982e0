// Fused AdamW on WebGPU: one compute dispatch per parameter updates p, m and v in place (stock
// tfjs issues about fifteen element-wise programs per parameter and allocates new tensors for
// each). The clipping factor min(1, clip / (norm + 1e-6)) is folded in: the global norm stays on
// the GPU as a one-element buffer. All parameters' dispatches go in one command buffer.
// Reference: core/train/adamwReference.ts; parity: gpu/kernels/adamw/parity.ts.
import * as tf from '@tensorflow/tfjs';
import type { FusedAdamWStep } from '../../../core/train/adamw';
import { gpuBufferOf, gpuDevice, sharesData, submitPending, webgpuBackend } from '../../tfjsInternals';

const WORKGROUP = 256;
/** Uniforms: lr, beta1, beta2, eps, wd, bc1, bc2, clip (f32) and n, groupsX (u32); 256-byte slots. */
const UNIFORM_SLOT = 256;

const SHADER = /* wgsl */ `
struct Hyper { lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, bc1: f32, bc2: f32, clip: f32, n: u32, groupsX: u32 }
@group(0) @binding(0) var<storage, read_write> p: array<f32>;
@group(0) @binding(1) var<storage, read_write> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read> norm: array<f32>;
@group(0) @binding(5) var<uniform> h: Hyper;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * h.groupsX * ${WORKGROUP}u;
  if (i >= h.n) { return; }
  var scale = 1.0;
  if (h.clip > 0.0) { scale = min(1.0, h.clip / (norm[0] + 1e-6)); }
  let gi = g[i] * scale;
  let mi = h.beta1 * m[i] + (1.0 - h.beta1) * gi;
  let vi = h.beta2 * v[i] + (1.0 - h.beta2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  p[i] = p[i] * (1.0 - h.lr * h.wd) - h.lr * (mi / h.bc1) / (sqrt(vi / h.bc2) + h.eps);
}`;

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function pipelineFor(device: GPUDevice): GPUComputePipeline {
  let p = pipelines.get(device);
  if (!p) {
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: 'main' } });
    pipelines.set(device, p);
  }
  return p;
}

export const fusedAdamWStep: FusedAdamWStep = (items, hyper, clip) => {
  const backend = webgpuBackend();
  const device = gpuDevice(backend);
  // tf.variable(t) and assign(t) share t's data: writing in place would change t too (the
  // engine's loaded model, a restored snapshot). A variable whose data is shared gets a private
  // copy first, once.
  for (const it of items) for (const x of [it.p, it.m, it.v]) if (sharesData(backend, x)) tf.tidy(() => x.assign(tf.add(x, tf.scalar(0))));
  const normTensor = clip?.norm ?? tf.zeros([1]);
  // Buffers first: uploading a CPU-resident tensor records a copy in tfjs's command encoder...
  const buffers = items.map((it) => [gpuBufferOf(backend, it.p, true), gpuBufferOf(backend, it.m, true), gpuBufferOf(backend, it.v, true), gpuBufferOf(backend, it.g, false)]);
  const normBuffer = gpuBufferOf(backend, normTensor, false);
  // ...which, with every program tfjs recorded, must be submitted before our dispatches.
  submitPending(backend);
  const pipeline = pipelineFor(device);
  const uniforms = device.createBuffer({ size: UNIFORM_SLOT * items.length, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const staging = new ArrayBuffer(UNIFORM_SLOT * items.length);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  items.forEach((it, k) => {
    const n = it.p.size;
    const groups = Math.ceil(n / WORKGROUP);
    const groupsX = Math.min(groups, maxGroups);
    const f = new Float32Array(staging, k * UNIFORM_SLOT, 8);
    f.set([hyper.lr, hyper.beta1, hyper.beta2, hyper.eps, it.decay ? hyper.weightDecay : 0, hyper.bc1, hyper.bc2, clip ? clip.maxNorm : 0]);
    new Uint32Array(staging, k * UNIFORM_SLOT + 32, 2).set([n, groupsX]);
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: buffers[k][0] } },
        { binding: 1, resource: { buffer: buffers[k][1] } },
        { binding: 2, resource: { buffer: buffers[k][2] } },
        { binding: 3, resource: { buffer: buffers[k][3] } },
        { binding: 4, resource: { buffer: normBuffer } },
        { binding: 5, resource: { buffer: uniforms, offset: k * UNIFORM_SLOT, size: 40 } },
      ],
    });
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(groupsX, Math.ceil(groups / groupsX));
  });
  pass.end();
  device.queue.writeBuffer(uniforms, 0, staging);
  device.queue.submit([encoder.finish()]);
  uniforms.destroy(); // freed once the submitted work is done
  if (!clip) normTensor.dispose();
};
