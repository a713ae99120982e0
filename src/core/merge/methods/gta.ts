// The task-arithmetic family as configurations of generalized task arithmetic:
// task_arithmetic (Ilharco et al. 2023), TIES (Yadav et al. 2023), DARE (Yu et al. 2024) with
// TIES consensus or a plain sum, model breadcrumbs (Davari & Belilovsky 2024), and ties_slack,
// our own formulation of Tao et al.'s (2024) slack variable.
import { DENSITY, LAMBDA, NORMALIZE, taskArithmeticMethod, WEIGHT } from '../taskArithmetic';

const SEED = { name: 'seed', kind: 'int' as const, label: 'seed', help: 'seed of the random drop (DARE): the same seed gives the same merge', default: 0, min: 0, max: 4294967295 };

export const taskArithmetic = taskArithmeticMethod({
  id: 'task_arithmetic',
  label: 'Task arithmetic',
  description: 'θ0 + λ Σ w τ (÷ Σ w when normalize): adds every expert\'s task vector to the base.',
  paper: { title: 'Ilharco et al. 2023, Editing Models with Task Arithmetic', url: 'https://arxiv.org/abs/2212.04089' },
  mergekitName: 'task_arithmetic',
  globalParams: [LAMBDA, NORMALIZE],
  modelParams: [WEIGHT],
  config: { sparsification: 'none', consensus: 'none' },
});

export const ties = taskArithmeticMethod({
  id: 'ties',
  label: 'TIES',
  description: 'Trim each task vector to its top-density entries by magnitude, elect a sign per entry, average the entries that agree.',
  paper: { title: 'Yadav et al. 2023, TIES-Merging: Resolving Interference When Merging Models', url: 'https://arxiv.org/abs/2306.01708' },
  mergekitName: 'ties',
  globalParams: [LAMBDA, NORMALIZE],
  modelParams: [WEIGHT, DENSITY],
  config: { sparsification: 'magnitude', consensus: 'sign' },
});

export const dareTies = taskArithmeticMethod({
  id: 'dare_ties',
  label: 'DARE + TIES',
  description: 'Drop task-vector entries at random (keep with probability density, rescale by 1/density), then TIES sign election and disjoint mean.',
  paper: { title: 'Yu et al. 2024, Language Models are Super Mario: Absorbing Abilities from Homologous Models as a Free Lunch', url: 'https://arxiv.org/abs/2311.03099' },
  mergekitName: 'dare_ties',
  globalParams: [LAMBDA, NORMALIZE, SEED],
  modelParams: [WEIGHT, DENSITY],
  config: { sparsification: 'random', consensus: 'sign' },
});

export const dareLinear = taskArithmeticMethod({
  id: 'dare_linear',
  label: 'DARE (linear)',
  description: 'Drop task-vector entries at random and rescale, then add the weighted sum to the base.',
  paper: dareTies.paper,
  mergekitName: 'dare_linear',
  globalParams: [LAMBDA, NORMALIZE, SEED],
  modelParams: [WEIGHT, DENSITY],
  config: { sparsification: 'random', consensus: 'none' },
});

export const breadcrumbs = taskArithmeticMethod({
  id: 'breadcrumbs',
  label: 'Model breadcrumbs',
  description: 'Keep the magnitude band of each task vector: drop the largest gamma share (outliers) and the smallest entries, keep density.',
  paper: { title: 'Davari & Belilovsky 2024, Model Breadcrumbs: Scaling Multi-Task Model Merging with Sparse Masks', url: 'https://arxiv.org/abs/2312.06795' },
  mergekitName: 'breadcrumbs',
  globalParams: [LAMBDA, NORMALIZE],
  modelParams: [WEIGHT, { name: 'density', kind: 'number', label: 'density', help: 'share of task-vector entries kept after dropping the outliers and the smallest', default: 0.9, min: 0.0001, max: 1 }, { name: 'gamma', kind: 'number', label: 'gamma', help: 'share of the largest-magnitude entries dropped', default: 0.01, min: 0, max: 0.99 }],
  config: { sparsification: 'band', consensus: 'none' },
});

export const tiesSlack = taskArithmeticMethod({
  id: 'ties_slack',
  label: 'TIES with slack (ours)',
  description: 'Our formulation after Tao et al. 2024: TIES, but an entry that disagrees with the elected sign is dropped only where the vote is decisive, |Σ w τ̂| ≥ slack · Σ w |τ̂|. slack 0 is TIES; slack near 1 approaches trimmed task arithmetic.',
  paper: { title: 'Tao et al. 2024, Unlocking the Potential of Model Merging for Low-Resource Languages (the slack idea; this rule is ours)', url: 'https://arxiv.org/abs/2407.03994' },
  mergekitName: null,
  ours: true,
  globalParams: [LAMBDA, NORMALIZE, { name: 'slack', kind: 'number', label: 'slack', help: 'how decisive the sign vote must be before a disagreeing entry is dropped (0 = TIES)', default: 0.3, min: 0, max: 1 }],
  modelParams: [WEIGHT, DENSITY],
  config: { sparsification: 'magnitude', consensus: 'slack' },
});
