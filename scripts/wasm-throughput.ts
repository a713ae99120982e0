// Tokens per second of one training step (forward, backward, clip, AdamW) on the tfjs CPU and
// WebAssembly backends in Node, same model, seed and batches on both: a measurement to read, not
// a test. Node's tfjs-wasm has SIMD but no threads; the browser's has both (e2e/wasm.spec.ts).
//   npx tsx scripts/wasm-throughput.ts                       # base-1m, batch 8 x 64, wasm and cpu
//   npx tsx scripts/wasm-throughput.ts --preset tiny --steps 10 --backends wasm
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../src/gpu/wasm/kernels';
import { MODEL_PRESETS } from '../src/core/model/config';
import { initialWeights } from '../src/core/model/init';
import { referenceKernels } from '../src/core/kernels';
import { Trainer } from '../src/core/train/trainer';
import { validateTrainSettings } from '../src/core/train/settings';
import { MixtureSampler } from '../src/core/data/sampler';
import { tokenizeBytes } from '../src/core/data/tokens';

const BACKENDS = ['wasm', 'cpu'] as const;
type Backend = (typeof BACKENDS)[number];

function parseArgs(argv: string[]): { preset: string; batchSize: number; seqLen: number; steps: number; backends: Backend[] } {
  const a = { preset: 'base-1m', batchSize: 8, seqLen: 64, steps: 3, backends: [...BACKENDS] as Backend[] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
      return n;
    };
    if (flag === '--preset') a.preset = value;
    else if (flag === '--batch') a.batchSize = int();
    else if (flag === '--seq') a.seqLen = int();
    else if (flag === '--steps') a.steps = int();
    else if (flag === '--backends') {
      a.backends = (value ?? '').split(',') as Backend[];
      const bad = a.backends.filter((b) => !BACKENDS.includes(b));
      if (bad.length) throw new Error(`--backends: unknown ${bad.join(', ')}; allowed: ${BACKENDS.join(', ')}`);
    } else throw new Error(`unknown option ${flag}; options: --preset ID, --batch N, --seq N, --steps N, --backends wasm,cpu`);
  }
  if (!MODEL_PRESETS.some((p) => p.id === a.preset)) throw new Error(`--preset: unknown ${a.preset}; presets: ${MODEL_PRESETS.map((p) => p.id).join(', ')}`);
  return a;
}

/** Seconds per step over `steps` steps after one warm-up step (kernels set up, buffers sized). */
async function secondsPerStep(backend: Backend, preset: string, batchSize: number, seqLen: number, steps: number): Promise<{ seconds: number; losses: number[] }> {
  await tf.setBackend(backend);
  const config = MODEL_PRESETS.find((p) => p.id === preset)!.config;
  const params: Record<string, tf.Tensor> = {};
  for (const [n, w] of initialWeights(config, 1)) params[n] = tf.tensor(w.data, w.shape);
  const text = tokenizeBytes(new TextEncoder().encode('The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.\n'.repeat(200)));
  const settings = validateTrainSettings(
    { from: 'x', data: [{ corpus: 'c', weight: 1 }], steps: steps + 1, batchSize, seqLen, lr: 1e-3, warmupSteps: 1, recompute: 'off' },
    { corpusIds: ['c'], maxPositionEmbeddings: config.max_position_embeddings },
  );
  const trainer = new Trainer(config, params, settings, new MixtureSampler([{ id: 'c', weight: 1, text }], batchSize, seqLen, 0, 256), referenceKernels);
  Object.values(params).forEach((t) => t.dispose());
  try {
    const losses = [(await trainer.runStep()).loss];
    const start = performance.now();
    for (let i = 0; i < steps; i++) losses.push((await trainer.runStep()).loss);
    return { seconds: (performance.now() - start) / 1000 / steps, losses };
  } finally {
    trainer.dispose();
  }
}

const args = parseArgs(process.argv.slice(2));
registerWasmKernels();
const tokens = args.batchSize * args.seqLen;
console.log(`${args.preset}, batch ${args.batchSize} x ${args.seqLen} (${tokens} tokens a step), ${args.steps} timed steps after one warm-up, Node ${process.version}`);
for (const backend of args.backends) {
  const { seconds, losses } = await secondsPerStep(backend, args.preset, args.batchSize, args.seqLen, args.steps);
  console.log(`${backend.padEnd(4)}: ${seconds.toFixed(3)} s/step, ${(tokens / seconds).toFixed(0)} tokens/s; losses ${losses.map((l) => l.toFixed(4)).join(' ')}`);
}
