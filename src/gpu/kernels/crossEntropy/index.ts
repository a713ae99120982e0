// The target log-probability kernel's entry in the kernel list (row layout from the adapter).
import { modelOpKernel } from '../kernel';
import { checkTargetLogProbsParity } from './parity';
import { targetLogProbsKernel } from './targetLogProbs';

export const crossEntropyKernel = modelOpKernel({
  id: 'cross-entropy',
  description: 'target log-probabilities from logits without log-softmax or one-hot tensors',
  op: 'targetLogProbs',
  impl: (o) => (logits, targets) => targetLogProbsKernel(logits, targets, o.rowLayout),
  parity: checkTargetLogProbsParity,
});
