// The recipe schema as documentation, for the README and the Experiments panel. The tables of
// settings are generated from their schema entries (fields.ts, which reuses training's), so a
// range or default written here is the one validate.ts applies; the prose explains the rest.
import { describeSpec, type Spec } from '../params';
import {
  ADAPT_FIELDS, BUDGET_FIELDS, DEFAULT_SCALES, EVALUATION_FIELDS, GROWTH_FIELDS, LANGUAGE_FIELDS, MERGE_FIELDS, ROOT_FIELDS, SCALE_FACTOR, SCRATCH_FIELDS,
} from './fields';

/**
 * Markdown table rows, one per setting: name, type and rule, default, meaning. `defaults` words a
 * default that is not a fixed value (a language's corpus is found by its language).
 */
function rows(specs: readonly Spec[], prefix = '', defaults: Record<string, string> = {}): string {
  return specs.map((s) => {
    const d = describeSpec(s);
    return `| \`${prefix}${s.name}\` | ${d.rule} | ${defaults[s.name] ?? d.default} | ${s.help} |`;
  }).join('\n');
}

const HEAD = '| field | type | default | meaning |\n|---|---|---|---|';

export const RECIPE_SCHEMA_DOC = `# Experiment recipe (version 1)

A recipe is a JSON object. Unknown fields are rejected at every level; every problem is listed
with its JSON path (for example \`$.merges[0].subset[1]\`) before anything runs.

| field | type | default | meaning |
|---|---|---|---|
| \`version\` | 1 | 1 | schema version |
| \`name\` | string | "Experiment" | shown in the Experiments panel |
${rows(ROOT_FIELDS)}
| \`base\` | object | required | \`{"from": "scratch", ...}\` or \`{"from": "checkpoint", "checkpoint": id}\` |
| \`languages\` | list | required | target languages: a code (\`"isl"\`) or \`{code, corpus?, budget?}\` |
| \`scales\` | a list, each entry ${describeSpec(SCALE_FACTOR).rule} | ${JSON.stringify(DEFAULT_SCALES)} | ${SCALE_FACTOR.help} |
${rows(GROWTH_FIELDS, 'growth.')}
| \`adapt\` | object | required | continued pretraining of every language at every scale |
| \`merges\` | list | [] | \`{method, subset, scales?, params?, modelParams?}\` |
| \`evaluation\` | object | see below | \`{suites, maxPairs, validationTokens}\` |

## Budgets
\`{"kind": "steps" | "tokens" | "flops", "value": n}\`. Steps and tokens count for the 1x model
(steps whole); they are turned into training FLOPs at the 1x model's cost per token (6 x
non-embedding parameters + attention + head). Every scale then gets those same FLOPs: a run
takes floor(budget / FLOPs of one of its steps) steps, so none spends more than the budget and
each spends within one of its own steps of it. A budget that buys no step of the largest scale
is rejected.

${HEAD}
${rows(BUDGET_FIELDS, 'budget.')}

## \`base\`
- from scratch: \`preset\` (a model preset id: tiny, small, base-1m, smollm2-shape-mini) and/or
  \`config\` (Hugging Face LlamaConfig fields overriding the preset; vocab_size 259), \`budget\`, and:

${HEAD}
${rows(SCRATCH_FIELDS)}

- from a checkpoint: \`checkpoint\`, the id of a checkpoint the studio holds.

## \`languages[i]\`
A code, or an object: \`code\`: ISO 639-3 (three lowercase letters), required. \`budget\`: overrides
\`adapt.budget\` for this language. A language with no corpus is rejected; a named corpus must be in
that language (or undetermined).

${HEAD}
${rows(LANGUAGE_FIELDS, '', { corpus: 'the first corpus of that language' })}

## \`adapt\`
\`budget\` (required), and:

${HEAD}
${rows(ADAPT_FIELDS)}

## \`merges[i]\`
${HEAD}
${rows(MERGE_FIELDS)}

\`subset\`: two or more language codes of the recipe (slerp: exactly two). \`scales\`: scales of the
recipe to merge at (default all). \`params\`: the method's global parameters; \`modelParams\`: the
parameters every expert gets (weight, density, ...); both checked against the method's schema,
defaults filled. The base of each merge is the English model of that scale (the grown one for m > 1).

## \`evaluation\`
\`suites\`: minimal-pair suite ids (default: agreement-eng, the word-order suites of the replay
corpus and of every target corpus); validation loss is measured for every language they cover.

${HEAD}
${rows(EVALUATION_FIELDS)}
`;
