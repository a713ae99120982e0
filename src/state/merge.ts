// Merge actions behind window.studio: merge experts into one checkpoint (Fisher estimates
// computed once per expert and stored with it), preview interference diagnostics, and mergekit
// YAML in and out. The merge itself runs in the engine, tensor by tensor.
import type { CheckpointManifest, FisherRecord, MergeRecord } from '../core/checkpoint/manifest';
import { newId } from '../core/checkpoint/manifest';
import { ENGLISH_CORPUS } from '../core/data/corpusIds';
import { checkCompatible, type MergePlan, type MergeRequest, planMerge, type TensorDiagnostics } from '../core/merge/merge';
import { type MergekitConfig, mergekitToRequest, mergekitYaml, parseMergekitYaml, passthroughGrowth } from '../core/merge/mergekit';
import { MERGE_METHODS } from '../core/merge/registry';
import type { MergeMethod } from '../core/merge/types';
import { countParameters } from '../core/model/weights';
import { type StoredBytes, StorageFullError } from '../storage/checkpoints';
import { trainingCorpusOf } from './growth';
import type { EngineCache, Services } from './services';
import { notify, useStudio } from './store';

/** A merge method as the UI and automation see it: everything but the tensor merge. */
export type MergeMethodInfo = Omit<MergeMethod, 'mergeTensor' | 'ours'> & { ours: boolean };

export interface MergekitImport {
  config: MergekitConfig;
  /** Each model name of the YAML and the checkpoint it maps to (by id or name), or null. */
  mapping: Record<string, string | null>;
}

export interface MergeActions {
  mergeMethods(): MergeMethodInfo[];
  merge(request: MergeRequest & { name?: string }): Promise<string>;
  mergeDiagnostics(request: MergeRequest): Promise<TensorDiagnostics[]>;
  mergekit: {
    parse(yamlText: string): MergekitImport;
    /** Runs a config; `mapping` names the checkpoint for model names that do not match one. */
    run(yamlText: string, mapping?: Record<string, string>, name?: string): Promise<string>;
    export(id: string): string;
  };
}

const FISHER_SEQ = 64;

function asBlob(v: StoredBytes): Blob {
  return v instanceof Blob ? v : new Blob([v as Uint8Array<ArrayBuffer>]);
}

/**
 * `grow` runs a passthrough YAML (layer stacking), which the studio does as depth growth.
 */
export function createMergeActions(s: Services, cache: EngineCache, manifest: (id: unknown) => Promise<CheckpointManifest>, grow: (id: string, request: Record<string, unknown>) => Promise<string>): MergeActions {
  async function prepare(request: MergeRequest): Promise<{ plan: MergePlan; base?: CheckpointManifest; models: CheckpointManifest[] }> {
    const plan = planMerge(request);
    const base = plan.base ? await manifest(plan.base) : undefined;
    const models = await Promise.all(plan.models.map((m) => manifest(m.id)));
    checkCompatible([...(base ? [base] : []), ...models]);
    return { plan, base, models };
  }

  /** A job's progress reporter; its elapsed and rate count from now. */
  function progress(label: string) {
    const startedAt = Date.now();
    return (done: number, total: number) => useStudio.setState({ mergeProgress: { done, total, label, startedAt } });
  }

  /** The expert's stored Fisher for these settings, computing and storing it the first time. */
  async function fisherOf(m: CheckpointManifest, samples: number, sampled: boolean): Promise<Blob> {
    const labels = sampled ? 'sampled' : 'empirical';
    const seqLen = Math.min(FISHER_SEQ, m.config.max_position_embeddings);
    const st = useStudio.getState();
    const corpusId = trainingCorpusOf(m, st.checkpoints, ENGLISH_CORPUS);
    const have = m.fisher?.find((f) => f.labels === labels && f.samples === samples && f.corpus === corpusId && f.seqLen === seqLen);
    if (have) {
      const stored = await s.checkpoints.blobs.get(have.key);
      if (stored) return asBlob(stored);
    }
    const corpus = st.corpora.find((c) => c.id === corpusId);
    if (!corpus) throw new Error(`the corpus ${corpusId} that ${m.name} was trained on is no longer available for its Fisher`);
    await cache.ensureModel(m.id);
    await cache.ensureCorpus(corpus, true);
    const jobId = newId('fisher');
    const off = s.engine.onJobProgress(jobId, progress(`Fisher of ${m.name} (${labels} labels, ${corpusId})`));
    try {
      const { tensors } = await s.engine.call('fisher', { jobId, modelId: m.id, corpusId, samples, seqLen, sampledLabels: sampled });
      const key = `fisher:${m.id}:${labels}:${samples}:${corpusId}:${seqLen}`;
      const blob = new Blob([tensors]);
      const record: FisherRecord = { key, labels, samples, corpus: corpusId, seqLen, createdAt: new Date().toISOString() };
      try {
        const updated = await s.checkpoints.linkedWrite(async () => {
          await s.checkpoints.writeBlob(key, blob, `the Fisher of ${m.name}`);
          return s.checkpoints.update(m.id, { fisher: [...(m.fisher ?? []).filter((f) => f.key !== key), record] }).catch(async (e: Error) => {
            await s.checkpoints.blobs.del(key).catch(() => undefined);
            throw e;
          });
        });
        useStudio.setState((x) => ({ checkpoints: x.checkpoints.map((c) => (c.id === m.id ? updated : c)) }));
      } catch (e) {
        // The Fisher is a cache: a full disk costs its reuse, not the merge.
        if (!(e instanceof StorageFullError)) throw e;
        notify('info', `The Fisher of ${m.name} is used but not kept for next time: ${e.message}`);
      }
      return blob;
    } finally {
      off();
    }
  }

  async function runInEngine(p: Awaited<ReturnType<typeof prepare>>, diagnosticsOnly: boolean) {
    const { plan, base, models } = p;
    progress(`Preparing to ${diagnosticsOnly ? 'diagnose' : 'merge'} with ${plan.method.id}…`)(0, 0); // shown at once, before the first tensor
    const fisherBlobs = plan.method.id === 'fisher' && !diagnosticsOnly
      ? await Promise.all(models.map((m) => fisherOf(m, plan.global.samples as number, plan.global.sampledLabels as boolean))).catch((e: unknown) => {
        useStudio.setState({ mergeProgress: undefined });
        throw e;
      })
      : undefined;
    const jobId = newId('merge');
    const off = s.engine.onJobProgress(jobId, progress(`${diagnosticsOnly ? 'Diagnosing' : 'Merging'} with ${plan.method.id}`));
    try {
      return await s.engine.call('merge', {
        jobId,
        method: plan.method.id,
        base: plan.base,
        models: plan.models,
        global: plan.global,
        dtype: plan.dtype,
        config: models[0].config,
        baseBlob: base ? asBlob(await s.checkpoints.tensorBlob(base.id)) : undefined,
        modelBlobs: await Promise.all(models.map(async (m) => asBlob(await s.checkpoints.tensorBlob(m.id)))),
        fisherBlobs,
        diagnosticsOnly,
      });
    } finally {
      off();
      useStudio.setState({ mergeProgress: undefined });
    }
  }

  async function merge(request: MergeRequest & { name?: string }): Promise<string> {
    const { name, ...req } = request ?? ({} as MergeRequest & { name?: string });
    if (name !== undefined && (typeof name !== 'string' || !name.trim())) throw new Error('name must be a non-empty string');
    const p = await prepare(req);
    const { plan, models } = p;
    const out = await runInEngine(p, false);
    const record: MergeRecord = { method: plan.method.id, base: plan.base, models: plan.models, global: plan.global, ...(plan.dtype && plan.dtype !== 'float32' ? { dtype: plan.dtype } : {}), diagnostics: out.diagnostics };
    const id = newId('ckpt');
    const saved = await s.checkpoints.save(
      {
        formatVersion: 1,
        id,
        name: name?.trim() || `${plan.method.id}(${models.map((m) => m.name).join(' + ')})`,
        createdAt: new Date().toISOString(),
        config: models[0].config,
        tokenizer: models[0].tokenizer,
        parents: [...(plan.base ? [plan.base] : []), ...plan.models.map((m) => m.id)],
        origin: { method: `merge:${plan.method.id}`, params: plan.global },
        merge: record,
        parameterCount: countParameters(models[0].config).total,
      },
      new Uint8Array(out.tensors!),
    );
    useStudio.setState((x) => ({ checkpoints: [saved, ...x.checkpoints.filter((c) => c.id !== saved.id)] }));
    return id;
  }

  function resolverFor(mapping: Record<string, string> = {}) {
    const st = useStudio.getState();
    return (name: string): string => {
      const id = mapping[name] ?? st.checkpoints.find((c) => c.id === name)?.id ?? st.checkpoints.find((c) => c.name === name)?.id;
      if (!id) throw new Error(`model ${JSON.stringify(name)} of the YAML matches no checkpoint; map it with mergekit.run(yaml, {"${name}": "<checkpoint id>"})`);
      return id;
    };
  }

  return {
    mergeMethods: () => MERGE_METHODS.map(({ id, label, description, paper, mergekitName, ours, base, expertCount, globalParams, modelParams }) => ({ id, label, description, paper, mergekitName, ours: !!ours, base, expertCount, globalParams, modelParams })),
    merge,
    async mergeDiagnostics(request) {
      const p = await prepare(request);
      if (!p.base) throw new Error('interference diagnostics compare task vectors, which need a base model');
      return (await runInEngine(p, true)).diagnostics;
    },
    mergekit: {
      parse(yamlText) {
        if (typeof yamlText !== 'string') throw new Error('mergekit.parse needs the YAML text');
        const config = parseMergekitYaml(yamlText);
        const st = useStudio.getState();
        const names = [...new Set([...(config.baseModel ? [config.baseModel] : []), ...config.models.map((m) => m.model), ...(config.passthrough ? [config.passthrough.model] : [])])];
        const mapping = Object.fromEntries(names.map((n) => [n, st.checkpoints.find((c) => c.id === n)?.id ?? st.checkpoints.find((c) => c.name === n)?.id ?? null]));
        return { config, mapping };
      },
      async run(yamlText, mapping, name) {
        const config = parseMergekitYaml(yamlText);
        if (config.passthrough) {
          const parent = await manifest(resolverFor(mapping)(config.passthrough.model));
          return grow(parent.id, { ...passthroughGrowth(config.passthrough, parent.config.num_hidden_layers), ...(name ? { name } : {}) });
        }
        return merge({ ...mergekitToRequest(config, resolverFor(mapping)), name });
      },
      export(id) {
        const m = useStudio.getState().checkpoints.find((c) => c.id === id);
        if (!m) throw new Error(`no checkpoint with id ${JSON.stringify(id)}`);
        if (!m.merge) throw new Error(`checkpoint ${m.name} was not made by a merge; only merges export as mergekit YAML`);
        const names = new Map(useStudio.getState().checkpoints.map((c) => [c.id, c.name]));
        return mergekitYaml(m.merge, (x) => names.get(x) ?? x);
      },
    },
  };
}
