// The 135M benchmark (issue 19, section 3): a model with SmolLM2-135M's exact configuration and
// random weights, written here, imported through window.studio.importFiles, one batch scored,
// training steps with recompute and micro-batches, a HyperCloning ×2 growth (its preservation
// check passing) and a tensor-by-tensor merge of the base and the trained copy; the measured peak
// of a training step against the memory planner's figure; the browser storage used after each
// stage; and the slope: step time and peak for about 1M, 10M, 50M and 135M parameters at the same
// batch shape. Each stage is a measurement of the harness: bounded, recorded as it ends.
import { join } from 'node:path';
import type { LlamaConfig } from '../../src/core/model/config';
import { MODEL_PRESETS } from '../../src/core/model/config';
import { countParameters, trainingFlopsPerToken } from '../../src/core/model/weights';
import { planMemory } from '../../src/core/train/memoryPlan';
import type { BenchLog, Outcome, StudioPage } from './harness';
import { SMOLLM2_135M, writeSmolLm2Folder } from './smolModel';

/** Tokens per training step everywhere in this section: the slope compares sizes at this shape. */
export const SCALE_BATCH = { batchSize: 2, seqLen: 32, microBatch: 1 };
/**
 * Optimizer steps of the 135M run; the first compiles the shaders and is left out of the timing.
 * On SwiftShader a step of 2 x 32 tokens took several minutes (4 steps did not end in 40 min).
 */
const TRAIN_STEPS = 3;
/** Tokens scored in the timed scoring call (after one call that prepares the corpus and compiles). */
const SCORE_TOKENS = 256;
/** Validation tokens of the grown model's preservation check (two windows of 64). */
const GROW_CHECK_TOKENS = 128;

/** Per-stage limits in seconds, for SwiftShader on two cores; a GPU needs a fraction. */
const LIMITS = { import: 900, score: 900, train: 2400, save: 900, profile: 2400, grow: 3600, merge: 2400, slope: 1200 };

const base1m = MODEL_PRESETS.find((p) => p.id === 'base-1m')!.config;
/** The slope's smaller sizes: byte-vocabulary models with base-1m's head size (32). */
const SLOPE: { id: string; config: LlamaConfig }[] = [
  { id: '1M', config: base1m },
  { id: '10M', config: { ...base1m, hidden_size: 320, intermediate_size: 864, num_hidden_layers: 10, num_attention_heads: 10, num_key_value_heads: 5 } },
  { id: '50M', config: { ...base1m, hidden_size: 512, intermediate_size: 1408, num_hidden_layers: 18, num_attention_heads: 16, num_key_value_heads: 8 } },
];

const MB = (b: number) => Math.round(b / 1e5) / 10;

interface Storage { usage: number; quota: number; checkpointBytes: number }

export interface ScaleOptions {
  /** The folder vite preview serves (a private copy of dist/): the model is written under it. */
  servedDir: string;
  log: BenchLog;
  studio: StudioPage;
  gpu: boolean;
}

/** The planner's figure for the section's step shape, and the measured peak against it. */
function plannerCheck(config: LlamaConfig, measuredPeak: number) {
  // Our WebGPU kernels run the fused AdamW: the plan the studio makes on that backend.
  const plan = planMemory({ config, ...SCALE_BATCH, recompute: true, fusedUpdate: true }, {});
  return {
    plannedPeakMB: MB(plan.chosen.peak),
    plannedUnfusedPeakMB: MB(planMemory({ config, ...SCALE_BATCH, recompute: true }, {}).chosen.peak),
    measuredPeakMB: MB(measuredPeak),
    plannedOverMeasured: Math.round((plan.chosen.peak / measuredPeak) * 1000) / 1000,
    plannedParts: { weightsMB: MB(plan.weights), gradientsMB: MB(plan.gradients), optimizerMB: MB(plan.optimizer), activationsMB: MB(plan.chosen.activations), updatePeakMB: MB(plan.update) },
  };
}

export async function runScale(o: ScaleOptions): Promise<void> {
  const { log, studio } = o;
  const record = <T>(stage: string, outcome: Outcome<T>, summary: (v: T) => Record<string, unknown>): T | undefined => {
    if (outcome.status === 'ok') {
      const entry = { stage, status: 'ok', seconds: outcome.seconds, ...summary(outcome.value), ...(outcome.pageErrors ? { pageErrors: outcome.pageErrors } : {}) };
      log.add('scale', entry);
      console.log(`135M ${stage} (${outcome.seconds} s): ${JSON.stringify(summary(outcome.value))}`);
      return outcome.value;
    }
    log.add('scale', { stage, status: outcome.status, seconds: outcome.seconds, message: outcome.message });
    log.fail(`135M ${stage}`, outcome);
    return undefined;
  };
  const skipped = (stage: string, needs: string) => {
    const o = { status: 'error', seconds: 0, message: `not run: needs ${needs}, which did not finish` };
    log.add('scale', { stage, ...o });
    console.log(`135M ${stage}: ${o.message}`);
  };

  const t0 = Date.now();
  const written = writeSmolLm2Folder(join(o.servedDir, 'bench-model'));
  log.add('scale', { stage: 'write', status: 'ok', seconds: Math.round((Date.now() - t0) / 100) / 10, parameters: written.parameters, merges: written.merges, files: written.files });
  console.log(`135M write: ${written.parameters} parameters, ${written.merges} merges, ${written.files.map((f) => `${f.name} ${MB(f.bytes)} MB`).join(', ')}`);

  await studio.setBackend('webgpu');
  await studio.useKernels('studio');
  const storage = (page: StudioPage['page']) => page.evaluate(async () => {
    const s = (await window.studio.storage()) as Storage;
    return { usage: s.usage, checkpointBytes: s.checkpointBytes, quota: s.quota };
  });
  const storageMB = (s: Storage) => ({ storageUsageMB: MB(s.usage), checkpointMB: MB(s.checkpointBytes) });

  // Import: the files fetched from the preview server, handed over as File objects.
  const imported = record('import', await studio.measure('135M import', LIMITS.import, async (page) => page.evaluate(async (names) => {
    const files = await Promise.all(names.map(async (n) => new File([await (await fetch(`/bench-model/${n}`)).blob()], n)));
    const t = performance.now();
    const r = await window.studio.importFiles(files, { name: 'SmolLM2-135M-shaped (random weights)' });
    const seconds = (performance.now() - t) / 1000;
    const s = await window.studio.storage();
    const m = await window.studio.checkpoints.get(r.id);
    return { id: r.id, importSeconds: seconds, notes: r.notes, tokenizer: m.tokenizer.kind === 'hf' ? m.tokenizer.description : m.tokenizer.kind, parameterCount: m.parameterCount, storage: { usage: s.usage, checkpointBytes: s.checkpointBytes, quota: s.quota }, memory: await window.studio.memory() };
  }, ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'])), (v) => ({ parameters: v.parameterCount, importSeconds: Math.round(v.importSeconds * 10) / 10, tokenizer: v.tokenizer, notes: v.notes, ...storageMB(v.storage), engineMB: MB(v.memory.numBytes) }));

  if (!imported) {
    for (const stage of ['score', 'train', 'profile', 'grow', 'merge']) skipped(stage, 'the import');
  } else {
    const id = imported.id;
    // Scoring: one call prepares the corpus (tokenized by the BPE) and compiles; the second is timed.
    record('score', await studio.measure('135M score', LIMITS.score, async (page) => page.evaluate(async ({ id, tokens }) => {
      const t = performance.now();
      await window.studio.validationLoss(id, 'eng-brown', { seqLen: 64, maxTokens: 64 });
      const prepare = (performance.now() - t) / 1000;
      const t1 = performance.now();
      const loss = await window.studio.validationLoss(id, 'eng-brown', { seqLen: 64, maxTokens: tokens });
      const seconds = (performance.now() - t1) / 1000;
      return { prepare, seconds, loss, tokens, memory: await window.studio.memory() };
    }, { id, tokens: SCORE_TOKENS })), (v) => ({ batch: `${v.tokens / 64}x64`, firstCallSeconds: Math.round(v.prepare * 10) / 10, scoreSeconds: Math.round(v.seconds * 10) / 10, tokensPerSec: Math.round((v.tokens / v.seconds) * 10) / 10, loss: Number(v.loss.toFixed(3)), lnVocab: Number(Math.log(49152).toFixed(3)), engineMB: MB(v.memory.numBytes) }));

    // Training, followed step by step: the metric points are read every 15 s and printed; a run
    // still going at LIMITS.train is stopped (its checkpoint is saved as at the end) and the steps
    // it made are what is reported.
    const trained = record('train', await studio.measure('135M train', LIMITS.train + LIMITS.save, async (page) => {
      await page.evaluate(({ id, steps, shape }) => {
        (window as unknown as { benchRun: unknown }).benchRun = window.studio.train({ from: id, name: 'bench 135M', data: [{ corpus: 'eng-brown', weight: 1 }], steps, ...shape, recompute: 'on', lr: 1e-4, warmupSteps: 0 });
      }, { id, steps: TRAIN_STEPS, shape: SCALE_BATCH });
      const started = Date.now();
      let seen = 0;
      let stopped = false;
      for (;;) {
        const state = await page.evaluate(() => {
          const run = (window as unknown as { benchRun: { metrics(): { step: number; loss: number | null; elapsed: number }[]; status(): string } }).benchRun;
          return { status: run.status(), points: run.metrics().filter((p) => p.loss !== null).map((p) => ({ step: p.step, loss: p.loss, elapsed: p.elapsed })) };
        });
        for (const p of state.points.slice(seen)) console.log(`135M train: step ${p.step} done at ${p.elapsed.toFixed(1)} s, loss ${p.loss!.toFixed(3)}`);
        seen = state.points.length;
        if (state.status !== 'running' && state.status !== 'paused') break;
        if (!stopped && Date.now() - started > LIMITS.train * 1000) {
          console.log(`135M train: stopping after ${seen} of ${TRAIN_STEPS} steps (limit ${LIMITS.train} s); its checkpoint is saved as at the end`);
          await page.evaluate(() => (window as unknown as { benchRun: { stop(): void } }).benchRun.stop());
          stopped = true;
        }
        await new Promise((r) => setTimeout(r, 15_000));
      }
      return page.evaluate(async (stopped) => {
        const run = (window as unknown as { benchRun: { done: Promise<string>; metrics(): import('../../src/core/train/settings').MetricPoint[]; status(): string } }).benchRun;
        const trainedId = await run.done;
        const s = await window.studio.storage();
        return { trainedId, stopped, status: run.status(), metrics: run.metrics(), storage: { usage: s.usage, checkpointBytes: s.checkpointBytes, quota: s.quota } };
      }, stopped);
    }), (v) => {
      const points = v.metrics.filter((p) => p.loss !== null);
      const a = points[0];
      const b = points[points.length - 1];
      const stepSeconds = points.map((p, i) => Math.round((p.elapsed - (i ? points[i - 1].elapsed : 0)) * 10) / 10);
      const timed = b.step - a.step;
      const seconds = b.elapsed - a.elapsed;
      const tokensPerSec = timed > 0 ? (b.tokens - a.tokens) / seconds : undefined;
      const gflops = tokensPerSec !== undefined ? (tokensPerSec * trainingFlopsPerToken(SMOLLM2_135M, SCALE_BATCH.seqLen) * 4 / 3) / 1e9 : undefined; // recompute: one more forward pass of the layers
      return { batch: `${SCALE_BATCH.batchSize}x${SCALE_BATCH.seqLen} in passes of ${SCALE_BATCH.microBatch}`, recompute: 'on', stepsAsked: TRAIN_STEPS, steps: points.length, stoppedAtLimit: v.stopped, runStatus: v.status, stepSeconds, secondsPerStepAfterFirst: timed > 0 ? Math.round((seconds / timed) * 10) / 10 : null, tokensPerSec: tokensPerSec !== undefined ? Math.round(tokensPerSec * 100) / 100 : null, gflopsWithRecompute: gflops !== undefined ? Math.round(gflops * 100) / 100 : null, losses: points.map((p) => Number(p.loss!.toFixed(3))), ...storageMB(v.storage) };
    });

    // The measured peak of one Trainer step at the same shape (random weights of the same
    // config, in the engine beside the loaded models, whose bytes are subtracted).
    const profile135 = await profileStep(studio, '135M', SMOLLM2_135M, LIMITS.profile);
    if (profile135.status === 'ok') {
      const v = profile135.value;
      const check = plannerCheck(SMOLLM2_135M, v.peakBytes - v.residentBefore);
      record('profile', profile135, () => ({ stepSeconds: Math.round(v.wallMs / 100) / 10, ...check, withinFifteenPercent: Math.abs(check.plannedOverMeasured - 1) <= 0.15, programs: v.programs + v.customDispatches }));
      log.add('slope', slopeRow('135M', SMOLLM2_135M, profile135));
    } else {
      record('profile', profile135, () => ({}));
      log.add('slope', slopeRow('135M', SMOLLM2_135M, profile135));
    }

    const parent = trained?.trainedId ?? id;
    const grown = record('grow', await studio.measure('135M grow', LIMITS.grow, async (page) => page.evaluate(async ({ parent, checkTokens }) => {
      const t = performance.now();
      const grownId = await window.studio.grow(parent, { method: 'hyperclone', factor: 2, checkTokens, name: 'bench 135M hyperclone x2' });
      const seconds = (performance.now() - t) / 1000;
      const m = await window.studio.checkpoints.get(grownId);
      const s = await window.studio.storage();
      const memory = await window.studio.memory();
      // The grown model is 4 x the parent's layers: dropped once measured (storage and GPU memory).
      await window.studio.checkpoints.delete(grownId);
      return { seconds, parameters: m.parameterCount, config: m.config, check: m.growth?.check, storage: { usage: s.usage, checkpointBytes: s.checkpointBytes, quota: s.quota }, memory };
    }, { parent, checkTokens: GROW_CHECK_TOKENS })), (v) => ({ from: trained ? 'trained copy' : 'import', parameters: v.parameters, hidden: v.config.hidden_size, heads: `${v.config.num_attention_heads}/${v.config.num_key_value_heads}`, growSeconds: Math.round(v.seconds * 10) / 10, check: v.check, preserved: v.check !== undefined && v.check.maxAbsLogProbDiff <= 1e-4, ...storageMB(v.storage), engineMB: MB(v.memory.numBytes) }));
    void grown;

    if (!trained) skipped('merge', 'the trained copy');
    else {
      record('merge', await studio.measure('135M merge', LIMITS.merge, async (page) => page.evaluate(async ({ a, b }) => {
        const t = performance.now();
        const merged = await window.studio.merge({ method: 'linear', models: [{ id: a, weight: 0.5 }, { id: b, weight: 0.5 }], name: 'bench 135M linear base+trained' });
        const seconds = (performance.now() - t) / 1000;
        const m = await window.studio.checkpoints.get(merged);
        const s = await window.studio.storage();
        return { seconds, parameters: m.parameterCount, storage: { usage: s.usage, checkpointBytes: s.checkpointBytes, quota: s.quota } };
      }, { a: id, b: trained.trainedId })), (v) => ({ method: 'linear', experts: 2, parameters: v.parameters, mergeSeconds: Math.round(v.seconds * 10) / 10, parametersPerSec: Math.round(v.parameters / v.seconds), ...storageMB(v.storage) }));
    }
  }
  const final = await studio.measure('135M storage', 60, (page) => storage(page));
  record('storage', final, (s) => storageMB(s));

  // The slope's smaller sizes (the 135M point is the profile above), in a fresh tab: the 135M
  // stages leave gigabytes resident in the engine (the import, the trained copy, the merge), and
  // next to them SwiftShader's GPU process once dropped its WebGPU instance at the 50M step.
  await studio.fresh();
  for (const s of SLOPE) {
    const profiled = await profileStep(studio, s.id, s.config, LIMITS.slope);
    log.add('slope', slopeRow(s.id, s.config, profiled));
    if (profiled.status !== 'ok') log.fail(`slope ${s.id}`, profiled);
  }
  const rows = (log.sections.slope ?? []) as Record<string, unknown>[];
  console.table(rows.map(({ id, parameters, status, stepSeconds, tokensPerSec, measuredPeakMB, plannedPeakMB, plannedOverMeasured }) => ({ id, parameters, status, stepSeconds, tokensPerSec, measuredPeakMB, plannedPeakMB, plannedOverMeasured })));
}

type Profiled = { peakBytes: number; addedPeakBytes: number; wallMs: number; programs: number; customDispatches: number; residentBefore: number };

async function profileStep(studio: StudioPage, label: string, config: LlamaConfig, limit: number): Promise<Outcome<Profiled>> {
  return studio.measure(`profile ${label}`, limit, (page) => page.evaluate(async ({ config, shape }) => {
    const residentBefore = (await window.studio.memory()).numBytes;
    const p = await window.studio.profileTrainingStep({ config, ...shape, recompute: 'on' });
    return { peakBytes: p.peakBytes, addedPeakBytes: p.addedPeakBytes, wallMs: p.wallMs, programs: p.programs, customDispatches: p.customDispatches, residentBefore };
  }, { config, shape: SCALE_BATCH }));
}

function slopeRow(id: string, config: LlamaConfig, o: Outcome<Profiled>): Record<string, unknown> {
  const parameters = countParameters(config).total;
  const head = { id, parameters, vocab: config.vocab_size, batch: `${SCALE_BATCH.batchSize}x${SCALE_BATCH.seqLen} in passes of ${SCALE_BATCH.microBatch}`, recompute: 'on' };
  if (o.status !== 'ok') return { ...head, status: o.status, seconds: o.seconds, message: o.message };
  const v = o.value;
  const tokens = SCALE_BATCH.batchSize * SCALE_BATCH.seqLen;
  console.log(`slope ${id}: ${parameters} parameters, step ${(v.wallMs / 1000).toFixed(1)} s, peak ${MB(v.peakBytes - v.residentBefore)} MB`);
  return { ...head, status: 'ok', stepSeconds: Math.round(v.wallMs / 100) / 10, tokensPerSec: Math.round((tokens / (v.wallMs / 1000)) * 100) / 100, ...plannerCheck(config, v.peakBytes - v.residentBefore) };
}
