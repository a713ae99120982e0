// The README.md model card of an exported checkpoint, after the Hugging Face model card
// conventions: YAML front matter (library_name, pipeline_tag, language codes, tags), then what a
// reader asks of a model: what it is, where it came from (parents, growth, merges and their
// methods), what it was trained on (corpora, steps, tokens, replay), how it scored (the stored
// evaluations of this checkpoint, with their intervals) and how to load it with transformers.
// Everything in it is read from the manifests and stored results; nothing is estimated here.
import type { CheckpointManifest } from './manifest';
import type { CorpusInfo } from '../data/corpusSplit';
import { type EvaluationResult, formatEstimate, headlineOf, ruleLabel } from '../eval/report';
import { countParameters } from '../model/weights';
import type { ExportDtype } from './hfExport';
import { describeStoragePrecision } from './storageDtype';

export interface ModelCardInput {
  manifest: CheckpointManifest;
  /** The studio's checkpoints, where the lineage looks parents up by id (missing ones are said so). */
  checkpoints: CheckpointManifest[];
  corpora: CorpusInfo[];
  /** Stored evaluations; those that scored this checkpoint are reported. */
  evaluations: EvaluationResult[];
  dtype: ExportDtype;
  /** The folder the files sit in once unzipped, for the loading snippet. */
  folder: string;
}

/** What a card says, before it is written out: the front matter's fields and the sections. */
export interface ModelCardFacts {
  languages: string[];
  tags: string[];
  /** Ancestors, nearest first, each once. */
  lineage: CheckpointManifest[];
  missingParents: string[];
}

const yamlString = (s: string) => (/^[\w.-]+$/.test(s) ? s : JSON.stringify(s));
const fmt = (x: number, digits = 4) => String(Number(x.toPrecision(digits)));
const compact = (v: unknown) => JSON.stringify(v).replace(/"([\w]+)":/g, '$1: ').replace(/,/g, ', ');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Ancestors of `m` by breadth, each once, and the parent ids the studio no longer holds. */
export function lineageOf(m: CheckpointManifest, checkpoints: CheckpointManifest[]): { lineage: CheckpointManifest[]; missing: string[] } {
  const byId = new Map(checkpoints.map((c) => [c.id, c]));
  const seen = new Set([m.id]);
  const lineage: CheckpointManifest[] = [];
  const missing: string[] = [];
  const queue = [...m.parents];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const p = byId.get(id);
    if (!p) missing.push(id);
    else {
      lineage.push(p);
      queue.push(...p.parents);
    }
  }
  return { lineage, missing };
}

function corpusLabel(id: string, corpora: CorpusInfo[]): string {
  const c = corpora.find((x) => x.id === id);
  return c ? `${c.name} (\`${id}\`, ${c.language})` : `\`${id}\``;
}

/** The languages a checkpoint saw in training (its own and its ancestors') and was evaluated on. */
function languagesOf(models: CheckpointManifest[], corpora: CorpusInfo[], evaluations: EvaluationResult[], id: string): string[] {
  const out = new Set<string>();
  for (const m of models) {
    for (const e of m.training?.settings.data ?? []) {
      const lang = corpora.find((c) => c.id === e.corpus)?.language;
      if (lang) out.add(lang);
    }
  }
  for (const r of evaluations) for (const row of r.rows) if (row.checkpoint === id && /^[a-z]{2,3}$/.test(row.language)) out.add(row.language);
  return [...out].sort();
}

function nameOf(id: string, checkpoints: CheckpointManifest[]): string {
  const c = checkpoints.find((x) => x.id === id);
  return c ? `${c.name} (\`${id}\`)` : `\`${id}\` (no longer in the studio)`;
}

/** One sentence on how a checkpoint was made. */
export function describeOrigin(m: CheckpointManifest, checkpoints: CheckpointManifest[], corpora: CorpusInfo[]): string {
  const parents = m.parents.map((p) => nameOf(p, checkpoints)).join(', ');
  const method = m.origin.method;
  if (method === 'init') return `initialised at random${m.origin.params.seed !== undefined ? ` (seed ${m.origin.params.seed})` : ''}`;
  if (method === 'import') return `imported from Hugging Face files (${(m.origin.params.files as string[] | undefined)?.join(', ') ?? 'files'})`;
  if (m.training) {
    const t = m.training;
    const data = t.settings.data.map((e) => `${corpusLabel(e.corpus, corpora)} × ${fmt(e.weight)}`).join(', ');
    const replay = t.settings.adapt ? `; continued pretraining on ${t.settings.adapt.target} with ${fmt(100 * t.settings.adapt.replay, 3)} % replay of ${corpusLabel(t.settings.adapt.replayCorpus, corpora)}` : '';
    return `trained from ${parents} for ${t.steps} steps (${t.tokens.toLocaleString('en-US')} tokens, ${t.status}) on ${data}${replay}`;
  }
  if (m.growth) {
    const g = m.growth;
    return `grown from ${parents} by ${g.method} (${compact(g.params)}), ${g.functionPreserving ? 'function-preserving' : 'not function-preserving'}: largest log-probability difference from the parent ${g.check.maxAbsLogProbDiff.toExponential(2)} over ${g.check.tokens} tokens of ${g.check.corpusId}`;
  }
  if (m.merge) {
    const mg = m.merge;
    const models = mg.models.map((x) => `${nameOf(x.id, checkpoints)} ${compact(x.params)}`).join('; ');
    return `merged by ${mg.method}${mg.base ? ` on base ${nameOf(mg.base, checkpoints)}` : ''} of ${models}; global ${compact(mg.global)}; computed in ${mg.dtype ?? 'float32'}`;
  }
  return `made by ${method}${parents ? ` from ${parents}` : ''}`;
}

export function modelCardFacts(input: ModelCardInput): ModelCardFacts {
  const { manifest: m, checkpoints, corpora, evaluations } = input;
  const { lineage, missing } = lineageOf(m, checkpoints);
  const methods = [m, ...lineage].map((c) => c.origin.method);
  const tags = new Set(['llama', 'causal-lm', 'grow-up-and-merge-studio']);
  if (m.tokenizer.kind === 'byte') tags.add('byte-level');
  for (const x of methods) {
    if (x.startsWith('merge:')) { tags.add('merge'); tags.add(x.slice(6)); }
    if (x.startsWith('grow:')) { tags.add('model-growth'); tags.add(x.slice(5)); }
  }
  if ([m, ...lineage].some((c) => c.training?.settings.adapt)) tags.add('continued-pretraining');
  return { languages: languagesOf([m, ...lineage], corpora, evaluations, m.id), tags: [...tags], lineage, missingParents: missing };
}

function frontMatter(f: ModelCardFacts): string {
  const lines = ['---', 'library_name: transformers', 'pipeline_tag: text-generation'];
  if (f.languages.length) lines.push('language:', ...f.languages.map((l) => `- ${yamlString(l)}`));
  lines.push('tags:', ...f.tags.map((t) => `- ${yamlString(t)}`), '---');
  return lines.join('\n');
}

function lineageSection(input: ModelCardInput, f: ModelCardFacts): string[] {
  const { manifest: m, checkpoints, corpora } = input;
  const out = ['## Lineage', '', `- **${m.name}** (\`${m.id}\`, ${m.createdAt.slice(0, 10)}): ${describeOrigin(m, checkpoints, corpora)}.`];
  for (const p of f.lineage) out.push(`- ${p.name} (\`${p.id}\`, ${p.createdAt.slice(0, 10)}): ${describeOrigin(p, checkpoints, corpora)}.`);
  for (const id of f.missingParents) out.push(`- \`${id}\`: deleted from the studio before this export; its own history is not known here.`);
  return out;
}

function trainingSection(input: ModelCardInput, f: ModelCardFacts): string[] {
  const runs = [input.manifest, ...f.lineage].filter((c) => c.training);
  const out = ['## Training data', ''];
  if (!runs.length) return [...out, 'No training in this lineage: the weights are as initialised, grown, merged or imported.'];
  out.push('| checkpoint | corpora (weight) | steps | tokens | batch × seq | peak lr | schedule | replay |', '|---|---|---|---|---|---|---|---|');
  for (const c of runs) {
    const t = c.training!;
    const s = t.settings;
    const data = s.data.map((e) => `${corpusLabel(e.corpus, input.corpora)} × ${fmt(e.weight)}`).join(', ');
    const replay = s.adapt ? `${fmt(100 * s.adapt.replay, 3)} % of ${s.adapt.replayCorpus}` : 'none';
    out.push(`| ${cell(c.name)} | ${cell(data)} | ${t.steps} | ${t.tokens.toLocaleString('en-US')} | ${s.batchSize} × ${s.seqLen} | ${fmt(s.lr)} | ${s.schedule}, warmup ${s.warmupSteps} | ${cell(replay)} |`);
  }
  return out;
}

function evaluationSection(input: ModelCardInput): string[] {
  const { manifest: m, evaluations } = input;
  const unit = m.tokenizer.kind === 'byte' ? 'nats per byte' : 'nats per token';
  const out = ['## Evaluation', ''];
  const mine = evaluations.filter((r) => r.checkpoints.some((c) => c.id === m.id));
  const last = [...(m.training?.metrics ?? [])].reverse().find((p) => p.valid && Object.keys(p.valid).length);
  if (last?.valid) {
    out.push(`Validation loss at the end of training (step ${last.step}), ${unit}: ${Object.entries(last.valid).map(([c, v]) => `${c} ${v.toFixed(4)}`).join(', ')}.`, '');
  }
  if (!mine.length) return [...out, 'No stored evaluation has scored this checkpoint: evaluate it in the studio (Evaluate view) before export to have the results here.'];
  for (const r of mine) {
    out.push(`### Evaluation of ${r.createdAt.slice(0, 10)} (\`${r.id}\`)`, '');
    const rows = r.rows.filter((x) => x.checkpoint === m.id);
    if (rows.length) {
      out.push('| suite | language | rule | accuracy (95 % interval) | pairs |', '|---|---|---|---|---|');
      for (const row of rows) {
        const suite = r.suites.find((x) => x.id === row.suite)?.name ?? row.suite;
        const est = headlineOf(row);
        out.push(`| ${cell(suite)} | ${row.language} | ${cell(ruleLabel(row))} | ${est ? formatEstimate(est) : `${(100 * row.accuracy).toFixed(1)} %`} | ${row.pairs} |`);
      }
      out.push('');
    }
    const val = r.validation.filter((x) => x.checkpoint === m.id);
    if (val.length) {
      out.push(`| language | validation corpus | loss (${unit}) | perplexity |`, '|---|---|---|---|');
      for (const v of val) out.push(`| ${v.language} | ${v.corpus} | ${v.loss.toFixed(4)} | ${v.perplexity.toFixed(2)} |`);
      out.push('');
    }
  }
  return out;
}

function loadSection(input: ModelCardInput): string[] {
  const f = input.folder;
  return [
    '## How to load',
    '',
    `Unzip the archive; the folder \`${f}/\` holds the files transformers reads.`,
    '',
    '```python',
    'from transformers import AutoModelForCausalLM, AutoTokenizer',
    '',
    `tokenizer = AutoTokenizer.from_pretrained("./${f}")`,
    `model = AutoModelForCausalLM.from_pretrained("./${f}")`,
    'inputs = tokenizer("The jury said", return_tensors="pt")',
    'print(tokenizer.decode(model.generate(**inputs, max_new_tokens=40)[0]))',
    '```',
    '',
    '`studio.json` is the studio\'s own record (lineage, settings, metrics); importing this archive into Grow Up and Merge Studio (Models view, Import) restores the model with it.',
  ];
}

/** The README.md of an export. */
export function modelCard(input: ModelCardInput): string {
  const { manifest: m, dtype } = input;
  const f = modelCardFacts(input);
  const c = m.config;
  const params = countParameters(c).total;
  const tokenizer = m.tokenizer.kind === 'byte' ? 'the studio\'s byte-level tokenizer (256 bytes + `<s>`, `</s>`, `<pad>`)' : `an imported tokenizer (${m.tokenizer.description}, ${m.tokenizer.vocabSize} tokens)`;
  const summary = [
    `# ${m.name}`,
    '',
    `A Llama-architecture causal language model of ${params.toLocaleString('en-US')} parameters, made in Grow Up and Merge Studio: ${describeOrigin(m, input.checkpoints, input.corpora)}.`,
    '',
    `- architecture: LlamaForCausalLM, hidden_size ${c.hidden_size}, ${c.num_hidden_layers} layers, ${c.num_attention_heads} attention heads (${c.num_key_value_heads} key/value), intermediate_size ${c.intermediate_size}, ${c.max_position_embeddings} positions, ${c.tie_word_embeddings ? 'tied' : 'untied'} embeddings`,
    `- tokenizer: ${tokenizer}`,
    `- weights: \`model.safetensors\` in ${dtype}${m.storage && m.storage.dtype !== 'F32' ? `; the studio stored them as ${describeStoragePrecision(m.storage)}` : ''}`,
    ...(c.logit_scale !== 1 ? [`- the studio's logit_scale ${c.logit_scale} is folded into \`model.norm.weight\`, so transformers computes the same logits with an ordinary Llama config`] : []),
  ];
  return [frontMatter(f), '', ...summary, '', ...lineageSection(input, f), '', ...trainingSection(input, f), '', ...evaluationSection(input), '', ...loadSection(input), ''].join('\n').replace(/\n{3,}/g, '\n\n');
}
