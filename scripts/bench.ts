// Throughput benchmark: trains fixed configs in headless Chromium through window.studio and
// prints, per config and kernel mode, tokens/s, the stock/ours ratio, achieved GFLOP/s and its
// share of the measured matmul ceiling, peak memory and the per-kernel profile of one step; then
// merge throughput against the measured copy bandwidth and minimal pairs scored per second, each
// on the stock ops and on ours. Writes bench-results/bench.json. A benchmark, not a test: compare
// ratios from one run.
//   npm run bench                      # SwiftShader: tiny and 1M configs, webgpu and cpu backends
//   npm run bench -- --steps 10 --backends webgpu --configs tiny --kernels stock,studio,studio-f16
//   npm run bench -- --gpu             # a real GPU through Vulkan; adds the 10M config
// The studio is served by a vite preview of its own on a free port, stopped however the run ends.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath, servePreview } from './browser';
import { ServeError, tolerateClosedPipes } from './serve';
import { MODEL_PRESETS } from '../src/core/model/config';
import { countParameters, trainingFlopsPerToken } from '../src/core/model/weights';
import type { LlamaConfig } from '../src/core/model/config';

interface BenchConfig {
  id: string;
  config: LlamaConfig;
  batchSize: number;
  seqLen: number;
  steps: number;
  /** Only with --gpu (too slow for SwiftShader's ~1 GFLOP/s). */
  gpuOnly?: boolean;
}

const preset = (id: string): LlamaConfig => MODEL_PRESETS.find((p) => p.id === id)!.config;
const CONFIGS: BenchConfig[] = [
  { id: 'tiny', config: preset('tiny'), batchSize: 8, seqLen: 32, steps: 12 },
  { id: '1M', config: preset('base-1m'), batchSize: 8, seqLen: 64, steps: 5 },
  // About 11M parameters: base-1m's head size (32) at width 320 and depth 10.
  { id: '10M', config: { ...preset('base-1m'), hidden_size: 320, intermediate_size: 864, num_hidden_layers: 10, num_attention_heads: 10, num_key_value_heads: 5 }, batchSize: 8, seqLen: 128, steps: 8, gpuOnly: true },
];
const MERGES = [
  { method: 'task_arithmetic', params: {} },
  { method: 'ties', params: { density: 0.5 } },
  { method: 'dare_ties', params: { density: 0.5 } },
];
/** Stock tfjs ops, our kernels, and ours with the linear layers' operands stored as f16. */
const KERNEL_MODES = ['stock', 'studio', 'studio-f16'] as const;
type KernelMode = (typeof KERNEL_MODES)[number];

/** Steps left out of the timing: the first ones compile shaders and fill caches. */
const WARMUP_STEPS = 2;

const USAGE = `usage: npm run bench -- [--gpu] [--steps N] [--backends webgpu,cpu] [--configs ${CONFIGS.map((c) => c.id).join(',')}] [--kernels ${KERNEL_MODES.join(',')}]`;
const VALUED = ['steps', 'backends', 'configs', 'kernels'];

/** Says what is wrong and how the benchmark is called; nothing has started yet. */
function refuse(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Refuses what the benchmark does not know (a typo would otherwise run the whole default bench). */
function checkArgs(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (argv[i] === '--gpu') continue;
    if (!argv[i].startsWith('--') || !VALUED.includes(name)) refuse(`unknown argument ${JSON.stringify(argv[i])}`);
    if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) refuse(`--${name} needs a value`);
    i++;
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  tolerateClosedPipes();
  checkArgs(process.argv.slice(2));
  const gpu = process.argv.includes('--gpu') || process.env.STUDIO_GPU === 'hardware';
  const stepsOverride = arg('steps') ? Number(arg('steps')) : undefined;
  const backends = (arg('backends') ?? 'webgpu,cpu').split(',');
  const only = arg('configs')?.split(',');
  const kernelModes = (arg('kernels') ?? KERNEL_MODES.join(',')).split(',') as KernelMode[];
  const unknownMode = kernelModes.find((k) => !KERNEL_MODES.includes(k));
  if (unknownMode) refuse(`--kernels: unknown mode ${JSON.stringify(unknownMode)}; modes are ${KERNEL_MODES.join(', ')}`);
  if (stepsOverride !== undefined && !(Number.isInteger(stepsOverride) && stepsOverride > 0)) refuse(`--steps needs a whole number above 0, not ${JSON.stringify(arg('steps'))}`);
  const unknownBackend = backends.find((b) => b !== 'webgpu' && b !== 'cpu');
  if (unknownBackend) refuse(`--backends: unknown backend ${JSON.stringify(unknownBackend)}; backends are webgpu, cpu`);
  const unknownConfig = only?.find((id) => !CONFIGS.some((c) => c.id === id));
  if (unknownConfig) refuse(`--configs: unknown config ${JSON.stringify(unknownConfig)}; configs are ${CONFIGS.map((c) => c.id).join(', ')}`);
  const configs = CONFIGS.filter((x) => (only ? only.includes(x.id) : gpu || !x.gpuOnly));
  const server = await servePreview();
  const port = server.port;
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs(gpu) });
    const page = await browser.newPage();
    const useKernels = (k: KernelMode) => page.evaluate((k) => window.studio.kernels(k === 'stock' ? 'stock' : 'studio', { precision: k === 'studio-f16' ? 'f16' : 'f32' }), k);
    await page.goto(`http://localhost:${port}/`);
    await page.evaluate(() => window.studio.ready);
    const rows: Record<string, unknown>[] = [];
    const profiles: Record<string, unknown>[] = [];
    const ceilings: Record<string, unknown>[] = [];
    const merges: Record<string, unknown>[] = [];
    const scoring: Record<string, unknown>[] = [];
    const pairs = await page.evaluate(async () => {
      const suite = (await (await fetch('/suites/agreement-eng.json')).json()) as { pairs: { good: string; bad: string }[] };
      return suite.pairs.slice(0, 64);
    });
    for (const backend of backends) {
      const info = await page.evaluate((b) => window.studio.setBackend(b as 'webgpu' | 'cpu'), backend);
      // The ceilings first, with the model's own linear-layer products ([tokens, in, out]).
      const shapes = configs.map((c) => [c.batchSize * c.seqLen, c.config.hidden_size, c.config.intermediate_size] as [number, number, number]);
      const ceiling = await page.evaluate((modelShapes) => window.studio.measureDevice({ modelShapes }), shapes);
      ceilings.push({ adapter: info.adapter ?? info.name, ...ceiling });
      console.log(`${info.name} (${info.adapter ?? 'cpu'}): matmul ceiling ${ceiling.matmulCeilingGflops.toFixed(1)} GFLOP/s (${ceiling.matmul.map((m) => `${m.kernel} ${m.shape} ${m.gflops.toFixed(2)}`).join(', ')})${ceiling.copyGBps !== undefined ? `, buffer copy ${ceiling.copyGBps.toFixed(1)} GB/s, shader stream ${ceiling.streamGBps?.toFixed(2)} GB/s` : ''}`);
      for (const c of configs) for (const kernels of info.name === 'webgpu' ? kernelModes : (['stock'] as const)) {
        await useKernels(kernels);
        const steps = Math.max(WARMUP_STEPS + 2, stepsOverride ?? c.steps);
        const metrics = await page.evaluate(async ({ config, c, steps }) => {
          const from = await window.studio.createModel({ name: `bench ${c.id}`, config });
          const run = window.studio.train({ from, data: [{ corpus: 'eng-brown', weight: 1 }], steps, batchSize: c.batchSize, seqLen: c.seqLen, lr: 1e-3 });
          const id = await run.done;
          await window.studio.checkpoints.delete(id);
          await window.studio.checkpoints.delete(from);
          return run.metrics();
        }, { config: c.config, c: { id: c.id, batchSize: c.batchSize, seqLen: c.seqLen }, steps });
        const profile = await page.evaluate(({ config, c }) => window.studio.profileTrainingStep({ config, batchSize: c.batchSize, seqLen: c.seqLen }), { config: c.config, c: { batchSize: c.batchSize, seqLen: c.seqLen } });
        profiles.push({ config: c.id, kernelMode: kernels, ...profile });
        const top = profile.kernels.slice(0, 8).map((k) => `${k.name}×${k.count}${k.ms !== undefined ? ` ${k.ms.toFixed(1)} ms` : ''}`).join(', ');
        console.log(`profile ${c.id} ${info.name} ${kernels}: ${profile.programs} tfjs programs + ${profile.customDispatches} own dispatches per step, ${profile.wallMs.toFixed(0)} ms wall, peak ${(profile.peakBytes / 1e6).toFixed(1)} MB (the step's own ${(profile.addedPeakBytes / 1e6).toFixed(1)} MB)${profile.timed ? '' : ' (no GPU timestamps on this adapter: counts only)'}; top: ${top}`);
        const a = metrics[WARMUP_STEPS - 1];
        const b = metrics[metrics.length - 1];
        const seconds = b.elapsed - a.elapsed;
        const timed = b.step - a.step;
        const tokensPerSec = (b.tokens - a.tokens) / seconds;
        const gflops = (tokensPerSec * trainingFlopsPerToken(c.config, c.seqLen)) / 1e9;
        rows.push({
          config: c.id,
          params: countParameters(c.config).total,
          backend: info.name,
          kernels,
          batch: `${c.batchSize}x${c.seqLen}`,
          steps: timed,
          stepMs: Math.round((seconds / timed) * 1000),
          tokensPerSec: Math.round(tokensPerSec * 10) / 10,
          gflops: Math.round(gflops * 100) / 100,
          ofCeiling: `${((gflops / ceiling.matmulCeilingGflops) * 100).toFixed(0)}%`,
          peakMB: Math.round(profile.peakBytes / 1e5) / 10,
          stepPeakMB: Math.round(profile.addedPeakBytes / 1e5) / 10,
          finalLoss: Number(b.loss?.toFixed(3)),
          programsPerStep: profile.programs + profile.customDispatches,
        });
        console.log(`done: ${c.id} on ${info.name} (${kernels} kernels)`);
      }
      // Training results first: the merge and scoring measurements below take a while.
      const trained = rows.filter((r) => r.backend === info.name);
      console.table(trained);
      for (const r of trained.filter((x) => x.kernels !== 'stock')) {
        const stock = trained.find((x) => x.kernels === 'stock' && x.config === r.config);
        if (stock) console.log(`${r.config} on ${r.backend}: our kernels (${r.kernels}) ${r.tokensPerSec} tok/s vs stock ${stock.tokensPerSec} tok/s = ${(Number(r.tokensPerSec) / Number(stock.tokensPerSec)).toFixed(2)}x`);
      }
      if (info.name !== 'webgpu') continue;
      // Merges: one tensor per expert, three experts, inputs resident: 1M floats (4 MB, larger
      // than any of the 10M config's) on a GPU; 64K floats on SwiftShader, where the stock path's
      // sum over the expert axis alone takes seconds at 64K (tfjs runs a workgroup per entry).
      // Ours also at 1M floats on SwiftShader, where 64K is short enough for the per-merge
      // overheads to show.
      // Half storage is a property of the linear layers only: merges run on stock and studio.
      const mergeRuns = kernelModes.filter((k) => k !== 'studio-f16').flatMap((kernels) => (gpu ? [1 << 20] : kernels === 'studio' ? [1 << 16, 1 << 20] : [1 << 16]).map((elements) => ({ kernels, elements })));
      for (const m of MERGES) for (const { kernels, elements } of mergeRuns) {
        await useKernels(kernels);
        const r = await page.evaluate((m) => window.studio.measureMerge({ method: m.method, elements: m.elements, experts: 3, params: m.params }), { ...m, elements });
        const { kernels: top, ...rest } = r;
        console.log(`merge profile ${m.method} ${kernels}: ${r.programs} tfjs programs; top: ${top.map((k) => `${k.name}×${k.count}${k.ms !== undefined ? ` ${k.ms.toFixed(2)} ms` : ''}`).join(', ')}`);
        profiles.push({ merge: m.method, elements: r.elements, kernelMode: kernels, programs: r.programs, kernels: top });
        const share = (of?: number) => (of ? `${((r.GBps / of) * 100).toFixed(1)}%` : '');
        merges.push({ ...rest, kernels, ofCopy: share(ceiling.copyGBps), ofStream: share(ceiling.streamGBps) });
      }
      // Minimal pairs scored per second with the last config's freshly made model, and the
      // profile of one evaluation batch of that model.
      const scored = configs[configs.length - 1];
      for (const kernels of kernelModes) {
        await useKernels(kernels);
        // 32 rows of 64 tokens: a scoring batch's shape, small enough for the stock path on
        // SwiftShader (one such batch of the 1M model takes over a minute there).
        const batch = { batchSize: 32, seqLen: Math.min(64, scored.config.max_position_embeddings) };
        const profile = await page.evaluate(({ config, batch }) => window.studio.profileScoringBatch({ config, ...batch }), { config: scored.config, batch });
        profiles.push({ scoring: scored.id, ...batch, kernelMode: kernels, ...profile });
        console.log(`scoring profile ${scored.id} ${kernels} (${batch.batchSize}x${batch.seqLen}): ${profile.programs} tfjs programs, ${profile.wallMs.toFixed(0)} ms wall, peak ${(profile.peakBytes / 1e6).toFixed(1)} MB (the batch's own ${(profile.addedPeakBytes / 1e6).toFixed(1)} MB); top: ${profile.kernels.slice(0, 6).map((k) => `${k.name}×${k.count}${k.ms !== undefined ? ` ${k.ms.toFixed(1)} ms` : ''}`).join(', ')}`);
        const r = await page.evaluate(async ({ config, pairs }) => {
          const id = await window.studio.createModel({ name: 'bench scoring', config });
          await window.studio.scoreTexts(id, [pairs[0].good]); // loads the model
          const t0 = performance.now();
          await window.studio.scoreTexts(id, pairs.flatMap((p) => [p.good, p.bad]));
          const s = (performance.now() - t0) / 1000;
          await window.studio.checkpoints.delete(id);
          return { pairs: pairs.length, seconds: s };
        }, { config: scored.config, pairs });
        scoring.push({ config: scored.id, kernels, pairs: r.pairs, pairsPerSec: Math.round((r.pairs / r.seconds) * 10) / 10 });
      }
    }
    await browser.close();
    if (merges.length) console.table(merges.map((m) => ({ ...m, ms: Number((m.ms as number).toFixed(2)), GBps: Number((m.GBps as number).toPrecision(3)) })));
    if (scoring.length) console.table(scoring);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/bench.json', JSON.stringify({ date: new Date().toISOString(), gpu, warmupSteps: WARMUP_STEPS, ceilings, rows, profiles, merges, scoring }, null, 2));
    console.log('wrote bench-results/bench.json');
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof ServeError ? `bench: ${e.message}` : e);
  process.exit(1);
});
