// Training throughput benchmark: trains fixed configs in headless Chromium through
// window.studio and prints tokens/s and step time per config and backend as a table, writing
// bench-results/bench.json. A benchmark, not a test: compare ratios from one run.
//   npm run bench                      # webgpu and cpu backends, default steps
//   npm run bench -- --steps 10 --backends webgpu --configs tiny --kernels stock,studio
// On WebGPU every config runs twice, on the stock tfjs ops and on our kernels (src/gpu/register.ts),
// and the table gives the ratio of tokens/s measured in the same run.
//   STUDIO_GPU=hardware npm run bench  # a real GPU through Vulkan instead of SwiftShader
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath, servePreview } from './browser';
import { MODEL_PRESETS } from '../src/core/model/config';
import { countParameters } from '../src/core/model/weights';

interface BenchConfig {
  id: string;
  preset: string;
  batchSize: number;
  seqLen: number;
  steps: number;
}

const CONFIGS: BenchConfig[] = [
  { id: 'tiny', preset: 'tiny', batchSize: 8, seqLen: 32, steps: 12 },
  { id: '1M', preset: 'base-1m', batchSize: 8, seqLen: 64, steps: 5 },
];
/** Steps left out of the timing: the first ones compile shaders and fill caches. */
const WARMUP_STEPS = 2;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const stepsOverride = arg('steps') ? Number(arg('steps')) : undefined;
  const backends = (arg('backends') ?? 'webgpu,cpu').split(',');
  const only = arg('configs')?.split(',');
  const kernelModes = (arg('kernels') ?? 'stock,studio').split(',') as ('stock' | 'studio')[];
  const port = 4317;
  const server = await servePreview(port);
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
    const page = await browser.newPage();
    await page.goto(`http://localhost:${port}/`);
    await page.evaluate(() => window.studio.ready);
    const rows: Record<string, unknown>[] = [];
    const profiles: Record<string, unknown>[] = [];
    for (const backend of backends) {
      const info = await page.evaluate((b) => window.studio.setBackend(b as 'webgpu' | 'cpu'), backend);
      for (const c of CONFIGS.filter((x) => !only || only.includes(x.id))) for (const kernels of info.name === 'webgpu' ? kernelModes : ['stock' as const]) {
        await page.evaluate((k) => window.studio.kernels(k), kernels);
        const preset = MODEL_PRESETS.find((p) => p.id === c.preset)!;
        const steps = Math.max(WARMUP_STEPS + 2, stepsOverride ?? c.steps);
        const metrics = await page.evaluate(async ({ config, c, steps }) => {
          const from = await window.studio.createModel({ name: `bench ${c.id}`, config });
          const run = window.studio.train({ from, data: [{ corpus: 'eng-brown', weight: 1 }], steps, batchSize: c.batchSize, seqLen: c.seqLen, lr: 1e-3 });
          const id = await run.done;
          await window.studio.checkpoints.delete(id);
          await window.studio.checkpoints.delete(from);
          return run.metrics();
        }, { config: preset.config, c, steps });
        const profile = await page.evaluate(({ config, c }) => window.studio.profileTrainingStep({ config, batchSize: c.batchSize, seqLen: c.seqLen }), { config: preset.config, c });
        profiles.push({ config: c.id, kernelMode: kernels, ...profile });
        const top = profile.kernels.slice(0, 8).map((k) => `${k.name}×${k.count}${k.ms !== undefined ? ` ${k.ms.toFixed(1)} ms` : ''}`).join(', ');
        console.log(`profile ${c.id} ${info.name} ${kernels}: ${profile.programs} tfjs programs + ${profile.customDispatches} own dispatches per step, ${profile.wallMs.toFixed(0)} ms wall, peak ${(profile.peakBytes / 1e6).toFixed(1)} MB${profile.timed ? '' : ' (no GPU timestamps on this adapter: counts only)'}; top: ${top}`);
        const a = metrics[WARMUP_STEPS - 1];
        const b = metrics[metrics.length - 1];
        const seconds = b.elapsed - a.elapsed;
        const timed = b.step - a.step;
        rows.push({
          config: c.id,
          params: countParameters(preset.config).total,
          backend: info.name,
          kernels,
          adapter: info.adapter ?? '',
          batch: `${c.batchSize}x${c.seqLen}`,
          steps: timed,
          stepMs: Math.round((seconds / timed) * 1000),
          tokensPerSec: Math.round(((b.tokens - a.tokens) / seconds) * 10) / 10,
          firstStepMs: Math.round(metrics[0].elapsed * 1000),
          finalLoss: Number(b.loss?.toFixed(3)),
          programsPerStep: profile.programs + profile.customDispatches,
        });
        console.log(`done: ${c.id} on ${info.name} (${kernels} kernels)`);
      }
    }
    await browser.close();
    console.table(rows);
    for (const r of rows.filter((x) => x.kernels === 'studio')) {
      const stock = rows.find((x) => x.kernels === 'stock' && x.config === r.config && x.backend === r.backend);
      if (stock) console.log(`${r.config} on ${r.backend}: our kernels ${r.tokensPerSec} tok/s vs stock ${stock.tokensPerSec} tok/s = ${(Number(r.tokensPerSec) / Number(stock.tokensPerSec)).toFixed(2)}x`);
    }
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/bench.json', JSON.stringify({ date: new Date().toISOString(), warmupSteps: WARMUP_STEPS, rows, profiles }, null, 2));
    console.log('wrote bench-results/bench.json');
  } finally {
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
