// Throughput benchmark: trains fixed configs in headless Chromium through window.studio and
// prints, per config and kernel mode, tokens/s, the stock/ours ratio, achieved GFLOP/s and its
// share of the measured matmul ceiling, peak memory and the per-kernel profile of one step; then
// merge throughput against the measured copy bandwidth and minimal pairs scored per second, each
// on the stock ops and on ours. With --scale instead: the 135M benchmark (bench/scale.ts). A
// benchmark, not a test: compare ratios from one run.
//   npm run bench                      # SwiftShader: tiny and 1M configs, webgpu, cpu and wasm backends
//   npm run bench -- --steps 10 --backends webgpu --configs tiny --kernels stock,studio,studio-f16
//   npm run bench -- --gpu             # a real GPU through Vulkan; adds the 10M config
//   npm run bench -- --scale [--gpu]   # SmolLM2-135M-shaped: import, score, train, grow x2, merge; the slope
//   npm run bench -- --limit 300       # seconds one measurement may take (default: per kind, below)
// Every measurement runs under a time limit; bench-results/bench.json (scale.json with --scale)
// is rewritten after each one, so a cut run keeps what it measured; one that times out, throws or
// crashes the page is recorded as {status: 'timeout' | 'error', message} and the page reopened.
// The studio is served by a vite preview of its own on a free port, from a private copy of dist/
// (another build meanwhile changes nothing here), stopped however the run ends.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './browser';
import { freePort, type GroupServer, nodeWithLifeline, ServeError, startServer, tolerateClosedPipes, viteBin } from './serve';
import { BenchLog, firstLine, StudioPage } from './bench/harness';
import { runScale } from './bench/scale';
import { compareBackends } from './bench/compare';
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

const BACKENDS = ['webgpu', 'cpu', 'wasm'];
const DEFAULT_BACKENDS = ['webgpu', 'cpu', 'wasm'];

/**
 * Seconds one measurement may take on SwiftShader (two cores): a training run, a step's profile,
 * a device ceiling, a merge, a scoring profile or a pair-scoring call. Past it the measurement is
 * recorded as a timeout and the page reopened.
 */
const LIMITS = { ceiling: 300, train: 900, profile: 600, merge: 300, scoring: 600 };

/**
 * The scoring measurements on the stock path: a smaller batch and fewer pairs. Its tfjs ops run
 * one workgroup per output entry; a 32 × 64 scoring batch of the 1M model took about 35 s there
 * (a minute under load) against seconds on ours.
 */
const STOCK_SCORING = { batchSize: 8, pairs: 16 };
const SCORING = { batchSize: 32, pairs: 64 };

const USAGE = `usage: npm run bench -- [--gpu] [--scale] [--limit SECONDS] [--steps N] [--backends ${BACKENDS.join(',')}] [--configs ${CONFIGS.map((c) => c.id).join(',')}] [--kernels ${KERNEL_MODES.join(',')}]`;
const VALUED = ['steps', 'backends', 'configs', 'kernels', 'limit'];
const FLAGS = ['--gpu', '--scale'];

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
    if (FLAGS.includes(argv[i])) continue;
    if (!argv[i].startsWith('--') || !VALUED.includes(name)) refuse(`unknown argument ${JSON.stringify(argv[i])}`);
    if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) refuse(`--${name} needs a value`);
    i++;
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** vite preview of a private copy of dist/ (the 135M model's files are written into it too). */
async function servePrivateCopy(): Promise<{ server: GroupServer; dir: string; cleanup: () => void }> {
  const tmp = mkdtempSync(join(tmpdir(), 'studio-bench-'));
  const dir = join(tmp, 'dist');
  cpSync('dist', dir, { recursive: true });
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const server = await startServer({
    name: 'vite preview',
    ...nodeWithLifeline(viteBin(), ['preview', '--port', String(port), '--strictPort', '--outDir', dir]),
    port,
    ready: async (output) => output.includes(`:${port}/`) && (await fetch(url).then((r) => r.ok, () => false)),
    timeoutMs: 30_000,
  });
  return { server, dir, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  tolerateClosedPipes();
  checkArgs(process.argv.slice(2));
  const gpu = process.argv.includes('--gpu') || process.env.STUDIO_GPU === 'hardware';
  const scale = process.argv.includes('--scale');
  const stepsOverride = arg('steps') ? Number(arg('steps')) : undefined;
  const limitOverride = arg('limit') ? Number(arg('limit')) : undefined;
  const backends = arg('backends')?.split(',') ?? DEFAULT_BACKENDS;
  const only = arg('configs')?.split(',');
  const kernelModes = (arg('kernels') ?? KERNEL_MODES.join(',')).split(',') as KernelMode[];
  const unknownMode = kernelModes.find((k) => !KERNEL_MODES.includes(k));
  if (unknownMode) refuse(`--kernels: unknown mode ${JSON.stringify(unknownMode)}; modes are ${KERNEL_MODES.join(', ')}`);
  if (stepsOverride !== undefined && !(Number.isInteger(stepsOverride) && stepsOverride > 0)) refuse(`--steps needs a whole number above 0, not ${JSON.stringify(arg('steps'))}`);
  if (limitOverride !== undefined && !(limitOverride > 0 && Number.isFinite(limitOverride))) refuse(`--limit needs a number of seconds above 0, not ${JSON.stringify(arg('limit'))}`);
  const unknownBackend = backends.find((b) => !BACKENDS.includes(b));
  if (unknownBackend) refuse(`--backends: unknown backend ${JSON.stringify(unknownBackend)}; backends are ${BACKENDS.join(', ')}`);
  const unknownConfig = only?.find((id) => !CONFIGS.some((c) => c.id === id));
  if (unknownConfig) refuse(`--configs: unknown config ${JSON.stringify(unknownConfig)}; configs are ${CONFIGS.map((c) => c.id).join(', ')}`);
  const configs = CONFIGS.filter((x) => (only ? only.includes(x.id) : gpu || !x.gpuOnly));
  const limit = (kind: keyof typeof LIMITS) => limitOverride ?? LIMITS[kind];

  const log = new BenchLog(scale ? 'bench-results/scale.json' : 'bench-results/bench.json', { date: new Date().toISOString(), gpu, ...(scale ? { section: 'scale' } : { warmupSteps: WARMUP_STEPS, limits: limitOverride ?? LIMITS }) });
  // A stray rejection or exception (a closed page's pending call) is logged, not the end of the run.
  process.on('unhandledRejection', (e) => log.fail('unhandled rejection', { status: 'error', seconds: 0, message: firstLine(e) }));
  process.on('uncaughtException', (e) => log.fail('uncaught exception', { status: 'error', seconds: 0, message: firstLine(e) }));
  const served = await servePrivateCopy();
  // A persistent profile in the private folder: IndexedDB on disk, with a disk's quota.
  const context = await chromium.launchPersistentContext(join(served.dir, '..', 'profile'), { executablePath: chromiumPath(), args: chromiumArgs(gpu) });
  const studio = await StudioPage.open(context, `http://localhost:${served.server.port}/`);
  try {
    if (scale) await runScale({ servedDir: served.dir, log, studio, gpu });
    else await runThroughput(studio, log, { gpu, backends, configs, kernelModes, stepsOverride, limit });
    log.write('complete');
    console.log(`wrote ${scale ? 'bench-results/scale.json' : 'bench-results/bench.json'}`);
  } catch (e) {
    log.fail('bench', { status: 'error', seconds: 0, message: firstLine(e) });
    log.write('failed');
    throw e;
  } finally {
    await studio.close();
    await served.server.stop();
    served.cleanup();
  }
}

interface ThroughputOptions {
  gpu: boolean;
  backends: string[];
  configs: BenchConfig[];
  kernelModes: KernelMode[];
  stepsOverride?: number;
  limit: (kind: keyof typeof LIMITS) => number;
}

/** The default section: training throughput per backend, config and kernel mode; merges; scoring. */
async function runThroughput(studio: StudioPage, log: BenchLog, o: ThroughputOptions): Promise<void> {
  const { gpu, backends, configs, kernelModes, stepsOverride, limit } = o;
  const rows = () => (log.sections.rows ?? []) as Record<string, unknown>[];
  const failed = (section: string, what: Record<string, unknown>, r: { status: string; seconds: number; message: string }, label: string) => {
    log.add(section, { ...what, status: r.status, seconds: r.seconds, message: r.message });
    log.fail(label, r);
  };
  const pairs = await studio.page.evaluate(async () => {
    const suite = (await (await fetch('/suites/agreement-eng.json')).json()) as { pairs: { good: string; bad: string }[] };
    return suite.pairs.slice(0, 64);
  });
  for (const backend of backends) {
    const info = await studio.setBackend(backend);
    // The ceilings first, with the model's own linear-layer products ([tokens, in, out]).
    const shapes = configs.map((c) => [c.batchSize * c.seqLen, c.config.hidden_size, c.config.intermediate_size] as [number, number, number]);
    const measured = await studio.measure(`ceiling ${backend}`, limit('ceiling'), (page) => page.evaluate((modelShapes) => window.studio.measureDevice({ modelShapes }), shapes));
    const ceiling = measured.status === 'ok' ? measured.value : undefined;
    if (measured.status === 'ok') {
      const c = measured.value;
      log.add('ceilings', { adapter: info.adapter ?? info.name, ...c });
      console.log(`${info.name} (${info.adapter ?? info.name}): matmul ceiling ${c.matmulCeilingGflops.toFixed(1)} GFLOP/s (${c.matmul.map((m) => `${m.kernel} ${m.shape} ${m.gflops.toFixed(2)}`).join(', ')})${c.copyGBps !== undefined ? `, buffer copy ${c.copyGBps.toFixed(1)} GB/s, shader stream ${c.streamGBps?.toFixed(2)} GB/s` : ''}`);
    } else failed('ceilings', { adapter: info.adapter ?? info.name }, measured, `ceiling ${backend}`);
    for (const c of configs) for (const kernels of info.name === 'webgpu' ? kernelModes : (['stock'] as const)) {
      await studio.useKernels(kernels);
      const steps = Math.max(WARMUP_STEPS + 2, stepsOverride ?? c.steps);
      const what = { config: c.id, params: countParameters(c.config).total, backend: info.name, kernels, batch: `${c.batchSize}x${c.seqLen}` };
      const run = await studio.measure(`train ${c.id} ${info.name} ${kernels}`, limit('train'), (page) => page.evaluate(async ({ config, c, steps }) => {
        const from = await window.studio.createModel({ name: `bench ${c.id}`, config });
        const run = window.studio.train({ from, data: [{ corpus: 'eng-brown', weight: 1 }], steps, batchSize: c.batchSize, seqLen: c.seqLen, lr: 1e-3 });
        const id = await run.done;
        await window.studio.checkpoints.delete(id);
        await window.studio.checkpoints.delete(from);
        return run.metrics();
      }, { config: c.config, c: { id: c.id, batchSize: c.batchSize, seqLen: c.seqLen }, steps }));
      if (run.status !== 'ok') {
        failed('rows', what, run, `train ${c.id} ${info.name} ${kernels}`);
        continue;
      }
      const metrics = run.value;
      const profiled = await studio.measure(`profile ${c.id} ${info.name} ${kernels}`, limit('profile'), (page) => page.evaluate(({ config, c }) => window.studio.profileTrainingStep({ config, batchSize: c.batchSize, seqLen: c.seqLen }), { config: c.config, c: { batchSize: c.batchSize, seqLen: c.seqLen } }));
      const profile = profiled.status === 'ok' ? profiled.value : undefined;
      if (profile) {
        log.add('profiles', { config: c.id, kernelMode: kernels, ...profile });
        const top = profile.kernels.slice(0, 8).map((k) => `${k.name}×${k.count}${k.ms !== undefined ? ` ${k.ms.toFixed(1)} ms` : ''}`).join(', ');
        console.log(`profile ${c.id} ${info.name} ${kernels}: ${profile.programs} tfjs programs + ${profile.customDispatches} own dispatches per step, ${profile.wallMs.toFixed(0)} ms wall, peak ${(profile.peakBytes / 1e6).toFixed(1)} MB (the step's own ${(profile.addedPeakBytes / 1e6).toFixed(1)} MB)${profile.timed ? '' : ' (no GPU timestamps on this adapter: counts only)'}; top: ${top}`);
      } else if (profiled.status !== 'ok') failed('profiles', { config: c.id, kernelMode: kernels, backend: info.name }, profiled, `profile ${c.id} ${info.name} ${kernels}`);
      const a = metrics[WARMUP_STEPS - 1];
      const b = metrics[metrics.length - 1];
      const seconds = b.elapsed - a.elapsed;
      const timed = b.step - a.step;
      const tokensPerSec = (b.tokens - a.tokens) / seconds;
      const gflops = (tokensPerSec * trainingFlopsPerToken(c.config, c.seqLen)) / 1e9;
      log.add('rows', {
        ...what,
        status: 'ok',
        steps: timed,
        stepMs: Math.round((seconds / timed) * 1000),
        tokensPerSec: Math.round(tokensPerSec * 10) / 10,
        gflops: Math.round(gflops * 100) / 100,
        ofCeiling: ceiling ? `${((gflops / ceiling.matmulCeilingGflops) * 100).toFixed(0)}%` : '',
        peakMB: profile ? Math.round(profile.peakBytes / 1e5) / 10 : null,
        stepPeakMB: profile ? Math.round(profile.addedPeakBytes / 1e5) / 10 : null,
        finalLoss: Number(b.loss?.toFixed(3)),
        programsPerStep: profile ? profile.programs + profile.customDispatches : null,
      });
      console.log(`done: ${c.id} on ${info.name} (${kernels} kernels)`);
    }
    // Training results first: the merge and scoring measurements below take a while.
    const trained = rows().filter((r) => r.backend === info.name);
    console.table(trained.map(({ message, ...r }) => (message ? { ...r, message: String(message).slice(0, 60) } : r)));
    for (const r of trained.filter((x) => x.kernels !== 'stock' && x.status === 'ok')) {
      const stock = trained.find((x) => x.kernels === 'stock' && x.config === r.config && x.status === 'ok');
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
      await studio.useKernels(kernels);
      const label = `merge ${m.method} ${kernels} ${elements}`;
      const measuredMerge = await studio.measure(label, limit('merge'), (page) => page.evaluate((m) => window.studio.measureMerge({ method: m.method, elements: m.elements, experts: 3, params: m.params }), { ...m, elements }));
      if (measuredMerge.status !== 'ok') {
        failed('merges', { method: m.method, elements, kernels }, measuredMerge, label);
        continue;
      }
      const r = measuredMerge.value;
      const { kernels: top, ...rest } = r;
      console.log(`merge profile ${m.method} ${kernels}: ${r.programs} tfjs programs; top: ${top.map((k) => `${k.name}×${k.count}${k.ms !== undefined ? ` ${k.ms.toFixed(2)} ms` : ''}`).join(', ')}`);
      log.add('profiles', { merge: m.method, elements: r.elements, kernelMode: kernels, programs: r.programs, kernels: top });
      const share = (of?: number) => (of ? `${((r.GBps / of) * 100).toFixed(1)}%` : '');
      log.add('merges', { ...rest, kernels, status: 'ok', ofCopy: share(ceiling?.copyGBps), ofStream: share(ceiling?.streamGBps) });
    }
    // Minimal pairs scored per second with the last config's freshly made model, and the
    // profile of one evaluation batch of that model. The stock path gets a smaller batch and
    // fewer pairs (STOCK_SCORING): the same figures per token and per pair, in bounded time.
    const scored = configs[configs.length - 1];
    for (const kernels of kernelModes) {
      await studio.useKernels(kernels);
      const size = kernels === 'stock' ? STOCK_SCORING : SCORING;
      const batch = { batchSize: size.batchSize, seqLen: Math.min(64, scored.config.max_position_embeddings) };
      const profileLabel = `scoring profile ${scored.id} ${kernels}`;
      const profiled = await studio.measure(profileLabel, limit('scoring'), (page) => page.evaluate(({ config, batch }) => window.studio.profileScoringBatch({ config, ...batch }), { config: scored.config, batch }));
      if (profiled.status === 'ok') {
        const profile = profiled.value;
        log.add('profiles', { scoring: scored.id, ...batch, kernelMode: kernels, ...profile });
        console.log(`scoring profile ${scored.id} ${kernels} (${batch.batchSize}x${batch.seqLen}): ${profile.programs} tfjs programs, ${profile.wallMs.toFixed(0)} ms wall, peak ${(profile.peakBytes / 1e6).toFixed(1)} MB (the batch's own ${(profile.addedPeakBytes / 1e6).toFixed(1)} MB); top: ${profile.kernels.slice(0, 6).map((k) => `${k.name}×${k.count}${k.ms !== undefined ? ` ${k.ms.toFixed(1)} ms` : ''}`).join(', ')}`);
      } else failed('profiles', { scoring: scored.id, ...batch, kernelMode: kernels }, profiled, profileLabel);
      const scoreLabel = `scoring ${scored.id} ${kernels}`;
      const r = await studio.measure(scoreLabel, limit('scoring'), (page) => page.evaluate(async ({ config, pairs }) => {
        const id = await window.studio.createModel({ name: 'bench scoring', config });
        await window.studio.scoreTexts(id, [pairs[0].good]); // loads the model
        const t0 = performance.now();
        await window.studio.scoreTexts(id, pairs.flatMap((p) => [p.good, p.bad]));
        const s = (performance.now() - t0) / 1000;
        await window.studio.checkpoints.delete(id);
        return { pairs: pairs.length, seconds: s };
      }, { config: scored.config, pairs: pairs.slice(0, size.pairs) }));
      if (r.status === 'ok') log.add('scoring', { config: scored.id, kernels, status: 'ok', pairs: r.value.pairs, pairsPerSec: Math.round((r.value.pairs / r.value.seconds) * 10) / 10 });
      else failed('scoring', { config: scored.id, kernels, pairs: size.pairs }, r, scoreLabel);
    }
  }
  compareBackends(log, rows());
  const merges = (log.sections.merges ?? []) as Record<string, unknown>[];
  if (merges.length) console.table(merges.map((m) => (m.status === 'ok' ? { ...m, ms: Number((m.ms as number).toFixed(2)), GBps: Number((m.GBps as number).toPrecision(3)) } : m)));
  if (log.sections.scoring?.length) console.table(log.sections.scoring);
  if (log.failures.length) console.table(log.failures);
}

main().catch((e) => {
  console.error(e instanceof ServeError ? `bench: ${e.message}` : e);
  process.exit(1);
});
