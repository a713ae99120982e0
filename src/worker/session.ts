// The engine's state inside the worker: the tfjs backend and the Kernels value built for it, models
// and corpora the main thread has handed over, and the training runs in progress. Every handler
// is a plain async method that computes with this.activeKernels; the worker entry only routes messages
// here.
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel } from '../core/model/llama';
import type { Tokenizer } from '../core/tokenizer/tokenizer';
import { MixtureSampler } from '../core/data/sampler';
import { decodeParams, encodeParams, readTensors, toTfTensors } from '../core/checkpoint/tensors';
import { encodeSafetensors, type NamedTensor } from '../core/checkpoint/safetensors';
import { blobTensorReader } from '../core/checkpoint/blobReader';
import { runMerge } from '../core/merge/merge';
import { mergeMethod } from '../core/merge/registry';
import { diagonalFisher } from '../core/eval/fisher';
import { continuationTokens, scoreTexts, validationLoss } from '../core/eval/score';
import { compareModels } from '../core/eval/compare';
import { pairAccuracy, type PairRule, samplePairs } from '../core/eval/minimalPairs';
import type { MinimalPair } from '../core/eval/suites/types';
import { trainingFlopsPerToken } from '../core/model/weights';
import { growWeights, planGrowth } from '../core/growth/grow';
import { Trainer } from '../core/train/trainer';
import type { MetricPoint } from '../core/train/settings';
import { startBackend } from '../gpu/backend';
import { checkBackendParity, checkMergeParity } from '../gpu/parity';
import { buildKernels, checkKernelParity, DEFAULT_KERNEL_CHOICE, kernelChoice, kernelStatus, kernelTarget, type KernelChoice, type KernelTarget } from '../gpu/register';
import { referenceKernels, type Kernels } from '../core/kernels';
import { profileScoringBatch, profileTrainingStep } from '../gpu/profile';
import { measureCeilings, measureMerge } from '../gpu/microbench';
import type { EngineEvent, RequestMap } from './protocol';
import { TextLibrary, type TokenizedCorpus } from './texts';
import { planWeights, readPlannedWeights } from '../core/checkpoint/hfImport';
import { weightSpecs } from '../core/model/weights';
import { OPTIMIZER_M_PREFIX, OPTIMIZER_V_PREFIX } from './protocol';

type Args<K extends keyof RequestMap> = RequestMap[K]['args'];
type Result<K extends keyof RequestMap> = Promise<RequestMap[K]['result']>;

interface LoadedModel extends LlamaModel {
  tokenizer: Tokenizer;
}

interface RunControl {
  paused: boolean;
  stopRequested: boolean;
  wake?: () => void;
}

/** Metrics go out at most this often (plus at every evaluation and at the end). */
const METRIC_FLUSH_MS = 250;

export class EngineSession {
  private models = new Map<string, LoadedModel>();
  private texts = new TextLibrary();
  private runs = new Map<string, RunControl>();
  private suites = new Map<string, MinimalPair[]>();
  private suiteRules = new Map<string, PairRule>();
  /** The started backend (CPU until init), the user's kernel choice, and the value built from both. */
  private target: KernelTarget = { backend: 'cpu', rowLayout: 'workgroup' };
  private choice: KernelChoice = DEFAULT_KERNEL_CHOICE;
  private activeKernels: Kernels = referenceKernels;

  constructor(private readonly emit: (event: EngineEvent, transfer?: Transferable[]) => void) {}

  /**
   * Starts a backend. Switching drops every loaded model first: tfjs would otherwise move their
   * data lazily through a synchronous GPU read, which the WebGPU backend answers with zeros.
   */
  async init(a: Args<'init'>): Result<'init'> {
    if (this.runs.size) throw new Error('the backend cannot change while a run trains; stop it first');
    for (const id of [...this.models.keys()]) this.unloadModel({ modelId: id });
    const info = await startBackend(a.backend);
    this.target = kernelTarget(info);
    this.activeKernels = buildKernels(this.target, this.choice);
    return info;
  }

  async loadModel(a: Args<'loadModel'>): Result<'loadModel'> {
    const tokenizer = this.texts.tokenizer(a.tokenizer);
    const { read } = await blobTensorReader(a.tensors, `checkpoint ${a.modelId}`, a.config);
    this.unloadModel({ modelId: a.modelId });
    const params: Record<string, tf.Tensor> = {};
    try {
      for (const spec of weightSpecs(a.config)) params[spec.name] = tf.tensor(await read(spec.name), spec.shape);
    } catch (e) {
      for (const t of Object.values(params)) t.dispose();
      throw e;
    }
    this.models.set(a.modelId, { config: a.config, params, tokenizer });
    return null;
  }

  loadTokenizer(a: Args<'loadTokenizer'>): Awaited<Result<'loadTokenizer'>> {
    this.texts.addTokenizer(a.spec, a.files);
    return null;
  }

  async importWeights(a: Args<'importWeights'>): Result<'importWeights'> {
    const tokenizer = this.texts.tokenizer(a.tokenizer);
    const plan = await planWeights(a.sources, a.indexText, a.config);
    this.unloadModel({ modelId: a.modelId });
    const params: Record<string, tf.Tensor> = {};
    try {
      const blob = await readPlannedWeights(
        plan,
        (name, shape, data) => void (params[name] = tf.tensor(data, shape)),
        (done, total) => this.emit({ type: 'jobProgress', jobId: a.jobId, done, total }),
      );
      this.models.set(a.modelId, { config: a.config, params, tokenizer });
      return { blob, skipped: plan.skipped, dtypes: plan.dtypes, sourceBytes: plan.sourceBytes };
    } catch (e) {
      for (const t of Object.values(params)) t.dispose();
      throw e;
    }
  }

  kernels(a: Args<'kernels'>): Awaited<Result<'kernels'>> {
    if (a.mode !== undefined) {
      this.choice = kernelChoice(a.mode, a.off, a.precision);
      this.activeKernels = buildKernels(this.target, this.choice);
    }
    return kernelStatus(this.target, this.choice);
  }

  async kernelParity(): Result<'kernelParity'> {
    if (this.runs.size) throw new Error('the kernel parity check needs the GPU to itself; wait until training has finished');
    return checkKernelParity(this.target);
  }

  async profileStep(a: Args<'profileStep'>): Result<'profileStep'> {
    if (this.runs.size) throw new Error('profiling needs the GPU to itself; wait until training has finished');
    return profileTrainingStep(a.config, a.batchSize, a.seqLen, this.activeKernels);
  }

  async profileScoring(a: Args<'profileScoring'>): Result<'profileScoring'> {
    if (this.runs.size) throw new Error('profiling needs the GPU to itself; wait until training has finished');
    return profileScoringBatch(a.config, a.batchSize, a.seqLen, this.activeKernels);
  }

  async deviceCeilings(a: Args<'deviceCeilings'>): Result<'deviceCeilings'> {
    if (this.runs.size) throw new Error('measuring the device needs the GPU to itself; wait until training has finished');
    return measureCeilings(a.modelShapes);
  }

  async mergeThroughput(a: Args<'mergeThroughput'>): Result<'mergeThroughput'> {
    if (this.runs.size) throw new Error('measuring merges needs the GPU to itself; wait until training has finished');
    return measureMerge(a.method, a.elements, a.experts, a.params ?? {}, this.activeKernels);
  }

  tokenize(a: Args<'tokenize'>): Awaited<Result<'tokenize'>> {
    const m = this.model(a.modelId);
    return [m.tokenizer.bos, ...m.tokenizer.encode(a.text)];
  }

  unloadModel(a: Args<'unloadModel'>): Awaited<Result<'unloadModel'>> {
    const m = this.models.get(a.modelId);
    if (m) for (const t of Object.values(m.params)) t.dispose();
    this.models.delete(a.modelId);
    return null;
  }

  async loadCorpus(a: Args<'loadCorpus'>): Result<'loadCorpus'> {
    const decode = (b: ArrayBuffer) => new TextDecoder().decode(b);
    return this.texts.addCorpus(a.corpusId, decode(a.valid), a.train ? decode(a.train) : undefined);
  }

  private model(id: string): LoadedModel {
    const m = this.models.get(id);
    if (!m) throw new Error(`model ${id} is not loaded in the engine`);
    return m;
  }

  /** Minimal pairs the main thread handed over, for evaluation while training. */
  loadSuite(a: Args<'loadSuite'>): Awaited<Result<'loadSuite'>> {
    this.suites.set(a.suiteId, a.pairs);
    this.suiteRules.set(a.suiteId, a.rule);
    return null;
  }

  private suite(id: string): MinimalPair[] {
    const p = this.suites.get(id);
    if (!p) throw new Error(`suite ${id} is not loaded in the engine`);
    return p;
  }

  /** The corpus as `model`'s tokenizer sees it. */
  private corpus(id: string, model: LoadedModel): TokenizedCorpus {
    return this.texts.corpus(id, model.tokenizer);
  }

  async scoreTexts(a: Args<'scoreTexts'>): Result<'scoreTexts'> {
    const m = this.model(a.modelId);
    return scoreTexts(m, m.tokenizer, a.texts, this.activeKernels);
  }

  async tokenCounts(a: Args<'tokenCounts'>): Result<'tokenCounts'> {
    const m = this.model(a.modelId);
    return a.texts.map((t) => continuationTokens(m.tokenizer, t).length);
  }

  async validationLoss(a: Args<'validationLoss'>): Result<'validationLoss'> {
    const m = this.model(a.modelId);
    return validationLoss(m, m.tokenizer.bos, this.corpus(a.corpusId, m).valid, { seqLen: a.seqLen, maxTokens: a.maxTokens }, this.activeKernels);
  }

  memory(): Awaited<Result<'memory'>> {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  }

  async grow(a: Args<'grow'>): Result<'grow'> {
    const parent = this.model(a.parentId);
    const plan = planGrowth(parent.config, { method: a.method, ...a.params });
    const named = await readTensors(parent.params);
    const weights = new Map(named.map((t) => [t.name, { shape: t.shape, data: t.data as Float32Array }]));
    const result = growWeights(parent.config, weights, plan);
    this.unloadModel({ modelId: a.grownId });
    const grown: LoadedModel = { config: result.config, params: toTfTensors([...result.weights].map(([name, t]) => ({ name, ...t }))), tokenizer: parent.tokenizer };
    this.models.set(a.grownId, grown);
    const c = a.check;
    const comparison = await compareModels(parent, grown, parent.tokenizer.bos, this.corpus(c.corpusId, parent).valid, { seqLen: c.seqLen, maxTokens: c.maxTokens }, this.activeKernels);
    if (c.tolerance !== null && !(comparison.maxAbsLogProbDiff <= c.tolerance)) {
      this.unloadModel({ modelId: a.grownId });
      throw new Error(`${a.method} should preserve the function, but the grown model's per-token log-probabilities differ from the parent's by up to ${comparison.maxAbsLogProbDiff.toExponential(3)} nats on ${c.corpusId} (tolerance ${c.tolerance}); nothing was saved`);
    }
    const tensors = (await encodeParams(grown.params)).buffer as ArrayBuffer;
    return { tensors, config: result.config, trainable: result.trainable, layerMap: result.layerMap, check: { ...comparison, corpusId: c.corpusId } };
  }

  async merge(a: Args<'merge'>): Result<'merge'> {
    const plan = { method: mergeMethod(a.method), base: a.base, models: a.models, global: a.global, dtype: a.dtype };
    const open = (b: Blob, what: string) => blobTensorReader(b, what, a.config).then((r) => r.read);
    const sources = {
      base: a.baseBlob ? await open(a.baseBlob, 'the base model') : undefined,
      models: await Promise.all(a.modelBlobs.map((b, i) => open(b, `model ${a.models[i].id}`))),
      fisher: a.fisherBlobs ? await Promise.all(a.fisherBlobs.map((b, i) => open(b, `the Fisher of ${a.models[i].id}`))) : undefined,
    };
    const out: NamedTensor[] = [];
    const diagnostics = await runMerge(plan, a.config, sources, this.activeKernels, (name, shape, data) => out.push({ name, shape, data }), (done, total) => this.emit({ type: 'jobProgress', jobId: a.jobId, done, total }), a.diagnosticsOnly);
    if (a.diagnosticsOnly) return { diagnostics };
    return { tensors: encodeSafetensors(out, { format: 'pt' }).buffer as ArrayBuffer, diagnostics };
  }

  async fisher(a: Args<'fisher'>): Result<'fisher'> {
    const m = this.model(a.modelId);
    const train = this.corpus(a.corpusId, m).train;
    if (!train) throw new Error(`corpus ${a.corpusId} has no training text loaded`);
    const F = await diagonalFisher(m, train, { samples: a.samples, seqLen: a.seqLen, sampledLabels: a.sampledLabels, seed: 0, bos: m.tokenizer.bos }, this.activeKernels, (done) => this.emit({ type: 'jobProgress', jobId: a.jobId, done, total: a.samples }));
    const named = Object.entries(F).map(([name, data]) => ({ name, shape: m.params[name].shape.slice(), data }));
    return { tensors: encodeSafetensors(named, { format: 'pt', fisher: a.sampledLabels ? 'sampled' : 'empirical', samples: String(a.samples) }).buffer as ArrayBuffer };
  }

  /** Compares the active backend with the CPU reference; refuses while a run trains. */
  async parity(a: Args<'parity'>): Result<'parity'> {
    if (this.runs.size) throw new Error('the backend parity check switches backends; wait until training has finished');
    return checkBackendParity(a.config, this.activeKernels, a.seed);
  }

  async mergeParity(a: Args<'mergeParity'>): Result<'mergeParity'> {
    if (this.runs.size) throw new Error('the merge parity check switches backends; wait until training has finished');
    return checkMergeParity(a.config, this.activeKernels, a.seed, a.runs);
  }

  control(a: Args<'control'>): Awaited<Result<'control'>> {
    const run = this.runs.get(a.runId);
    if (!run) throw new Error(`run ${a.runId} is not running`);
    if (a.action === 'pause') run.paused = true;
    if (a.action === 'resume') run.paused = false;
    if (a.action === 'stop') run.stopRequested = true;
    run.wake?.();
    return null;
  }

  /** Validates and sets up a run, answers, then trains in the background, streaming events. */
  async train(a: Args<'train'>): Result<'train'> {
    if (this.runs.has(a.runId)) throw new Error(`run ${a.runId} is already running`);
    const m = this.model(a.modelId);
    const s = a.settings;
    const sources = s.data.map((d) => {
      const train = this.corpus(d.corpus, m).train;
      if (!train) throw new Error(`corpus ${d.corpus} has no training text loaded`);
      if (train.ids.length < s.seqLen + 1) {
        throw new Error(`corpus ${d.corpus} has ${train.ids.length} training tokens, fewer than one sequence of seqLen ${s.seqLen}; choose a shorter seqLen or a bigger corpus`);
      }
      return { id: d.corpus, weight: d.weight, text: train };
    });
    for (const w of s.watch) this.corpus(w, m);
    for (const id of s.evalSuites) this.suite(id);
    const sampler = new MixtureSampler(sources, s.batchSize, s.seqLen, s.seed, m.tokenizer.bos);
    // The run keeps the kernels it started with; a later choice applies to later runs.
    const trainer = new Trainer(m.config, m.params, s, sampler, this.activeKernels, a.trainable);
    if (a.resume) {
      try {
        this.restore(trainer, a.resume.state, a.resume.step);
      } catch (e) {
        trainer.dispose();
        throw e;
      }
    }
    const control: RunControl = { paused: false, stopRequested: false };
    this.runs.set(a.runId, control);
    void this.loop(a.runId, trainer, m, control, a.resume?.elapsed ?? 0).finally(() => {
      this.runs.delete(a.runId);
      trainer.dispose();
    });
    return null;
  }

  private restore(trainer: Trainer, stateBytes: ArrayBuffer, step: number): void {
    const { params, extra } = decodeParams(new Uint8Array(stateBytes), trainer.config, 'resume state', [OPTIMIZER_M_PREFIX, OPTIMIZER_V_PREFIX]);
    tf.tidy(() => {
      const values = toTfTensors(params);
      for (const [name, v] of Object.entries(trainer.variables)) v.assign(values[name]);
      trainer.optimizer.setState({
        step,
        m: toTfTensors(extra.filter((t) => t.name.startsWith(OPTIMIZER_M_PREFIX)), OPTIMIZER_M_PREFIX),
        v: toTfTensors(extra.filter((t) => t.name.startsWith(OPTIMIZER_V_PREFIX)), OPTIMIZER_V_PREFIX),
      });
    });
    trainer.step = step;
  }

  private async snapshot(trainer: Trainer): Promise<ArrayBuffer> {
    const state = trainer.optimizer.getState();
    const named = [
      ...(await readTensors(trainer.variables)),
      ...(await readTensors(state.m, OPTIMIZER_M_PREFIX)),
      ...(await readTensors(state.v, OPTIMIZER_V_PREFIX)),
    ];
    return encodeSafetensors(named, { step: String(trainer.step) }).buffer as ArrayBuffer;
  }

  private async loop(runId: string, trainer: Trainer, m: LoadedModel, control: RunControl, elapsed0: number): Promise<void> {
    const s = trainer.settings;
    const tokensPerStep = s.batchSize * s.seqLen;
    const flopsPerStep = trainingFlopsPerToken(m.config, s.seqLen) * tokensPerStep;
    const evaluates = s.watch.length > 0 || s.evalSuites.length > 0;
    const evaluate = async (): Promise<Pick<MetricPoint, 'valid' | 'pairs'>> => {
      const out: Pick<MetricPoint, 'valid' | 'pairs'> = {};
      if (s.watch.length) out.valid = {};
      for (const id of s.watch) out.valid![id] = await validationLoss(trainer.model, m.tokenizer.bos, this.corpus(id, m).valid, { seqLen: s.seqLen, maxTokens: s.evalTokens }, trainer.kernels);
      if (s.evalSuites.length) out.pairs = {};
      for (const id of s.evalSuites) out.pairs![id] = await pairAccuracy(samplePairs(this.suite(id), s.evalPairs), this.suiteRules.get(id)!, (texts) => scoreTexts(trainer.model, m.tokenizer, texts, trainer.kernels));
      return out;
    };
    let pending: MetricPoint[] = [];
    let lastFlush = performance.now();
    /** The step of the last snapshot this run sent (0: none yet). */
    let lastSnapshot = 0;
    const flush = () => {
      if (pending.length) this.emit({ type: 'trainMetrics', runId, points: pending });
      pending = [];
      lastFlush = performance.now();
    };
    let elapsed = elapsed0;
    let clock = performance.now();
    const tick = () => {
      const now = performance.now();
      elapsed += (now - clock) / 1000;
      clock = now;
    };
    try {
      if (trainer.step === 0 && evaluates) {
        pending.push({ step: 0, tokens: 0, flops: 0, loss: null, lr: 0, gradNorm: 0, elapsed: 0, numTensors: tf.memory().numTensors, ...(await evaluate()) });
        flush();
      }
      tick();
      while (trainer.step < s.steps && !control.stopRequested) {
        if (control.paused) {
          tick();
          flush();
          this.emit({ type: 'trainStatus', runId, status: 'paused' });
          while (control.paused && !control.stopRequested) await new Promise<void>((r) => (control.wake = r));
          control.wake = undefined;
          clock = performance.now();
          this.emit({ type: 'trainStatus', runId, status: 'running' });
          continue;
        }
        const r = await trainer.runStep();
        // A non-finite loss or gradient norm poisons every later step: stop before anything is
        // saved from it; the run keeps its last snapshot (resume from there with a lower lr).
        if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
          throw new Error(`training diverged at step ${r.step}: ${!Number.isFinite(r.loss) ? `loss is ${r.loss}` : `gradient norm is ${r.gradNorm}`}; nothing from this step was saved${lastSnapshot ? `, the run keeps its snapshot of step ${lastSnapshot}` : ''}; lower lr (${s.lr}) or keep clipping on`);
        }
        tick();
        const point: MetricPoint = { step: r.step, tokens: r.step * tokensPerStep, flops: r.step * flopsPerStep, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm, elapsed, numTensors: tf.memory().numTensors };
        const last = r.step === s.steps || control.stopRequested;
        const evaluated = evaluates && ((s.evalEvery > 0 && r.step % s.evalEvery === 0) || last);
        if (evaluated) {
          Object.assign(point, await evaluate());
          clock = performance.now(); // evaluation time is not training time
        }
        pending.push(point);
        if (evaluated || last || performance.now() - lastFlush > METRIC_FLUSH_MS) flush();
        if (s.checkpointEvery > 0 && r.step % s.checkpointEvery === 0 && !last) {
          // The snapshot record carries the metrics seen so far, and a resume keeps only points
          // up to its step: points still pending here would be lost for good.
          flush();
          const state = await this.snapshot(trainer);
          lastSnapshot = r.step;
          this.emit({ type: 'trainCheckpoint', runId, step: r.step, tokens: r.step * tokensPerStep, elapsed, state }, [state]);
        }
      }
      flush();
      const buffer = (await encodeParams(trainer.variables)).buffer as ArrayBuffer;
      this.emit({ type: 'trainFinished', runId, status: trainer.step >= s.steps ? 'completed' : 'stopped', step: trainer.step, tokens: trainer.step * tokensPerStep, params: buffer }, [buffer]);
    } catch (e) {
      flush();
      this.emit({ type: 'trainFailed', runId, error: (e as Error).message });
    }
  }
}
