// The task-arithmetic family as configurations of generalized task arithmetic, each with the
// defaults mergekit's registry.py declares for it (normalize, rescale; density 1.0 = no
// sparsification; breadcrumbs' gamma 0.01; DELLA's epsilon 0.15): task_arithmetic (Ilharco et al.
// 2023), TIES (Yadav et al. 2023), DARE (Yu et al. 2024) with TIES consensus or a plain sum, model
// breadcrumbs with or without TIES (Davari & Belilovsky 2024), DELLA with or without TIES (Deep et
// al. 2024), and ties_slack, our own formulation of Tao et al.'s (2024) slack variable.
import type { ParamSpec } from '../../params';
import { DENSITY_RESCALE, LAMBDA, SEED, WEIGHT, checkDellaEpsilon, densitySpec, normalizeSpec, rescaleSpec, taskArithmeticMethod } from '../taskArithmetic';

const TRIM = densitySpec('share of task-vector entries kept, the largest by magnitude: int(density · n) of n');
const DROP = densitySpec('probability of keeping each task-vector entry');
const BAND = densitySpec('share of task-vector entries kept after dropping the largest gamma share: int(density · n)');
const GAMMA: ParamSpec = { name: 'gamma', kind: 'number', label: 'gamma', help: 'share of the largest-magnitude entries dropped first: int(gamma · n) (when that is 0 mergekit keeps nothing of the tensor, and so does the studio)', default: 0.01, min: 0, max: 1 };
const DELLA_DENSITY = densitySpec('mean probability of keeping each task-vector entry');
const EPSILON: ParamSpec = { name: 'epsilon', kind: 'number', label: 'epsilon', help: 'spread of the keep probabilities over each row\'s magnitude ranks: from density − ε (smallest) to density + ε (largest); density ± ε must lie in (0, 1)', default: 0.15, min: 0, max: 1 };
const DARE_PAPER = { title: 'Yu et al. 2024, Language Models are Super Mario: Absorbing Abilities from Homologous Models as a Free Lunch', url: 'https://arxiv.org/abs/2311.03099' };
const BREADCRUMBS_PAPER = { title: 'Davari & Belilovsky 2024, Model Breadcrumbs: Scaling Multi-Task Model Merging with Sparse Masks', url: 'https://arxiv.org/abs/2312.06795' };
const DELLA_PAPER = { title: 'Deep et al. 2024, DELLA-Merging: Reducing Interference in Model Merging through Magnitude-Based Sampling', url: 'https://arxiv.org/abs/2406.11617' };
const RESCALE_HELP = 'rescale (default on) keeps each task vector\'s L1 norm as current mergekit does; density_rescale (studio-only) multiplies by 1/density instead, as mergekit before February 2025 and the DARE paper did';

export const taskArithmetic = taskArithmeticMethod({
  id: 'task_arithmetic',
  label: 'Task arithmetic',
  description: 'θ0 + λ Σ w τ (÷ Σ w when normalize): adds every expert\'s task vector to the base.',
  paper: { title: 'Ilharco et al. 2023, Editing Models with Task Arithmetic', url: 'https://arxiv.org/abs/2212.04089' },
  mergekitName: 'task_arithmetic',
  globalParams: [LAMBDA, normalizeSpec(false, false)],
  modelParams: [WEIGHT],
  ignoredParams: [
    { name: 'density', scope: 'model', why: 'task_arithmetic does not sparsify; mergekit declares density for every generalized task arithmetic method and ignores it here' },
    { name: 'rescale', scope: 'global', why: 'task_arithmetic does not sparsify, so nothing is rescaled' },
  ],
  config: { sparsification: 'none', consensus: 'none' },
});

export const ties = taskArithmeticMethod({
  id: 'ties',
  label: 'TIES',
  description: 'Trim each task vector to its top int(density · n) entries by magnitude, elect a sign per entry, average the entries that agree.',
  paper: { title: 'Yadav et al. 2023, TIES-Merging: Resolving Interference When Merging Models', url: 'https://arxiv.org/abs/2306.01708' },
  mergekitName: 'ties',
  globalParams: [LAMBDA, normalizeSpec(true, true), rescaleSpec(false)],
  modelParams: [WEIGHT, TRIM],
  config: { sparsification: 'magnitude', consensus: 'sign' },
});

export const dareTies = taskArithmeticMethod({
  id: 'dare_ties',
  label: 'DARE + TIES',
  description: `Drop task-vector entries at random (keep each with probability density), rescale, then TIES sign election and disjoint mean. ${RESCALE_HELP}.`,
  paper: DARE_PAPER,
  mergekitName: 'dare_ties',
  globalParams: [LAMBDA, normalizeSpec(false, true), rescaleSpec(true), DENSITY_RESCALE, SEED],
  modelParams: [WEIGHT, DROP],
  config: { sparsification: 'random', consensus: 'sign' },
});

export const dareLinear = taskArithmeticMethod({
  id: 'dare_linear',
  label: 'DARE (linear)',
  description: `Drop task-vector entries at random and rescale, then add the weighted sum to the base. ${RESCALE_HELP}.`,
  paper: DARE_PAPER,
  mergekitName: 'dare_linear',
  globalParams: [LAMBDA, normalizeSpec(false, false), rescaleSpec(true), DENSITY_RESCALE, SEED],
  modelParams: [WEIGHT, DROP],
  config: { sparsification: 'random', consensus: 'none' },
});

export const breadcrumbs = taskArithmeticMethod({
  id: 'breadcrumbs',
  label: 'Model breadcrumbs',
  description: 'Keep the magnitude band of each task vector: drop the largest int(gamma · n) entries (outliers), keep the next int(density · n), drop the rest; then add the weighted sum.',
  paper: BREADCRUMBS_PAPER,
  mergekitName: 'breadcrumbs',
  globalParams: [LAMBDA, normalizeSpec(false, false), rescaleSpec(false)],
  modelParams: [WEIGHT, BAND, GAMMA],
  config: { sparsification: 'magnitude_outliers', consensus: 'none' },
});

export const breadcrumbsTies = taskArithmeticMethod({
  id: 'breadcrumbs_ties',
  label: 'Model breadcrumbs + TIES',
  description: 'The breadcrumbs magnitude band of each task vector, then TIES sign election and disjoint mean.',
  paper: BREADCRUMBS_PAPER,
  mergekitName: 'breadcrumbs_ties',
  globalParams: [LAMBDA, normalizeSpec(false, true), rescaleSpec(false)],
  modelParams: [WEIGHT, BAND, GAMMA],
  config: { sparsification: 'magnitude_outliers', consensus: 'sign' },
});

function checkEpsilon(perModel: Record<string, number | boolean>[], _global: unknown, where: string): void {
  perModel.forEach((p, i) => checkDellaEpsilon(p.density as number, p.epsilon as number, `${where} models[${i}]`));
}

export const della = taskArithmeticMethod({
  id: 'della',
  label: 'DELLA + TIES',
  description: 'Drop task-vector entries at random with probabilities that grow with magnitude rank within each row (density ± epsilon), rescale to keep the L1 norm (mergekit\'s rule, not the paper\'s 1/p), then TIES sign election and disjoint mean.',
  paper: DELLA_PAPER,
  mergekitName: 'della',
  globalParams: [LAMBDA, normalizeSpec(true, true), rescaleSpec(true), SEED],
  modelParams: [WEIGHT, DELLA_DENSITY, EPSILON],
  checkParams: checkEpsilon,
  config: { sparsification: 'della_magprune', consensus: 'sign' },
});

export const dellaLinear = taskArithmeticMethod({
  id: 'della_linear',
  label: 'DELLA (linear)',
  description: 'DELLA\'s magnitude-ranked random drop and L1 rescale, then the weighted sum of the task vectors.',
  paper: DELLA_PAPER,
  mergekitName: 'della_linear',
  globalParams: [LAMBDA, normalizeSpec(false, false), rescaleSpec(true), SEED],
  modelParams: [WEIGHT, DELLA_DENSITY, EPSILON],
  checkParams: checkEpsilon,
  config: { sparsification: 'della_magprune', consensus: 'none' },
});

export const tiesSlack = taskArithmeticMethod({
  id: 'ties_slack',
  label: 'TIES with slack (ours)',
  description: 'Our formulation after Tao et al. 2024: TIES, but an entry that disagrees with the elected sign is dropped only where the vote is decisive, |Σ w τ̂| ≥ slack · Σ w |τ̂|. slack 0 is TIES; slack near 1 approaches trimmed task arithmetic.',
  paper: { title: 'Tao et al. 2024, Unlocking the Potential of Model Merging for Low-Resource Languages (the slack idea; this rule is ours)', url: 'https://arxiv.org/abs/2407.03994' },
  mergekitName: null,
  ours: true,
  globalParams: [LAMBDA, normalizeSpec(true, true), rescaleSpec(false), { name: 'slack', kind: 'number', label: 'slack', help: 'how decisive the sign vote must be before a disagreeing entry is dropped (0 = TIES)', default: 0.3, min: 0, max: 1 }],
  modelParams: [WEIGHT, TRIM],
  config: { sparsification: 'magnitude', consensus: 'slack' },
});
