// The evaluation's settings as schema entries (core/params.ts): what evaluate() checks, and what
// a recipe's `evaluation` section narrows (experiment/fields.ts), so both hold one limit.
import type { Spec } from '../params';

export const EVALUATION_SETTINGS = [
  { name: 'maxPairs', kind: 'int', min: 1, max: 1_000_000, label: 'max pairs', help: 'pairs per suite at most, a sample seeded by the suite; every pair when left out' },
  { name: 'validationTokens', kind: 'int', min: 64, default: 4096, label: 'validation tokens', help: 'validation tokens per model and language for the loss' },
] as const satisfies readonly Spec[];
