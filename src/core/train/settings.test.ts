import { describe, expect, it } from 'vitest';
import { rangeRule, type Spec } from '../params';
import { ADAPT_FIELDS as RECIPE_ADAPT, SCRATCH_FIELDS } from '../experiment/fields';
import { RECIPE_SCHEMA_DOC } from '../experiment/schema';
import { INITIAL_DRAFT, TRAIN_GRID_FIELDS, trainOptions } from '../../ui/train/trainDraft';
import { ADAPT_FIELDS, INITIAL_ADAPT } from '../../ui/adapt/AdaptDraft';
import { ADAPT_SETTINGS } from './adapt';
import { TRAIN_SETTINGS, validateTrainSettings } from './settings';

const ctx = { corpusIds: ['eng-brown'], maxPositionEmbeddings: 64 };

describe('one schema per setting', () => {
  it('the Train form shows every training setting not marked API-only, with its label, help and start value', () => {
    const shown = TRAIN_SETTINGS.filter((s) => !('form' in s) && s.kind !== 'mix' && s.kind !== 'refs').map((s) => s.name);
    expect(TRAIN_GRID_FIELDS.map((s) => s.name)).toEqual(shown);
    for (const s of TRAIN_GRID_FIELDS) expect(INITIAL_DRAFT[s.name], s.name).toBe(String(('formDefault' in s ? s.formDefault : undefined) ?? s.default));
    expect(INITIAL_DRAFT).toMatchObject({ steps: '200', seqLen: '64', clip: '1', schedule: 'wsd', evalTokens: '4096', checkpointEvery: '100' });
  });

  it("the form's start values are options the API accepts", () => {
    const s = validateTrainSettings(trainOptions('ck', INITIAL_DRAFT), ctx);
    expect(s).toMatchObject({ steps: 200, seqLen: 64, lr: 0.003, clip: 1, schedule: 'wsd', data: [{ corpus: 'eng-brown', weight: 1 }], watch: ['eng-brown'] });
  });

  it('adaptation uses the training entries for its batch shape, so seqLen has one limit', () => {
    const train = (n: string) => TRAIN_SETTINGS.find((s) => s.name === n);
    expect(ADAPT_SETTINGS.find((s) => s.name === 'seqLen')).toBe(train('seqLen'));
    expect(ADAPT_SETTINGS.find((s) => s.name === 'batchSize')).toBe(train('batchSize'));
    expect(ADAPT_SETTINGS.find((s) => s.name === 'microBatch')).toBe(train('microBatch'));
    expect(ADAPT_SETTINGS.find((s) => s.name === 'recompute')).toBe(train('recompute'));
    expect(ADAPT_FIELDS.map((s) => s.name)).toEqual(['batchSize', 'microBatch', 'recompute', 'seqLen', 'lr', 'warmupSteps', 'evalEvery', 'evalPairs', 'evalTokens']);
    expect(INITIAL_ADAPT).toMatchObject({ target: 'udhr-isl', replay: '0', batchSize: '8', microBatch: '0', recompute: 'auto', seqLen: '64', warmupSteps: '5', evalEvery: '', evalPairs: '64', evalTokens: '1024' });
  });

  it('a recipe accepts only what the training stage accepts, and its documentation states those limits', () => {
    for (const s of [...SCRATCH_FIELDS, ...RECIPE_ADAPT] as readonly Spec[]) {
      const t = TRAIN_SETTINGS.find((x) => x.name === s.name) as Spec | undefined;
      if (t && (t.kind === 'int' || t.kind === 'number') && (s.kind === 'int' || s.kind === 'number')) {
        // The recipe's extremes validate as training settings (bounds naming an earlier setting
        // resolved to its value here, the context's to 64).
        const ok: Record<string, unknown> = { from: 'ck', data: [{ corpus: 'eng-brown' }], steps: 10, batchSize: 4, seqLen: 32, lr: 1e-3 };
        for (const v of [s.min, s.max].map((b) => (typeof b === 'object' ? ((ok[b.ref] as number | undefined) ?? 64) : b)).filter((b) => b !== undefined)) {
          if (s.kind === 'number' && s.minExclusive && v === s.min) continue;
          expect(() => validateTrainSettings({ ...ok, [s.name]: v }, ctx), `${s.name} = ${v}`).not.toThrow();
        }
      }
      if (s.kind === 'int' || s.kind === 'number') expect(RECIPE_SCHEMA_DOC, s.name).toContain(`| \`${s.name}\` | ${rangeRule(s)} |`);
    }
  });
});
