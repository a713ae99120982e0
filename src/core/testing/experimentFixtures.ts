// What the studio holds, as the experiment tests see it: the corpora and suites the data build
// makes for the preset languages, and every merge method of the registry.
import { MERGE_METHODS } from '../merge/registry';
import type { RecipeContext } from '../experiment/recipe';

const CORPORA = [
  ['eng-brown', 'eng'], ['udhr-eng', 'eng'], ['udhr-est', 'ekk'], ['udhr-fao', 'fao'], ['udhr-isl', 'isl'], ['udhr-pes_1', 'pes'], ['udhr-swe', 'swe'], ['udhr-deu_1996', 'deu'],
] as const;

export function studioContext(over: Partial<RecipeContext> = {}): RecipeContext {
  return {
    corpora: CORPORA.map(([id, language]) => ({ id, language })),
    checkpoints: [],
    suites: ['agreement-eng', ...CORPORA.map(([id]) => `wordorder-${id}`)],
    mergeMethods: MERGE_METHODS.map((m) => m.id),
    ...over,
  };
}

/** A deep copy of a JSON value, to edit a preset without touching it. */
export const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
