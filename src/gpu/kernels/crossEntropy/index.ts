// The target log-probability kernel's entry in the kernel list (row layout from the tuner's choice for the shape, else from the adapter).
import { modelOpKernel, rowLayoutOf } from '../kernel';
import { checkTargetLogProbsParity } from './parity';
import { targetLogProbsKernel } from './targetLogProbs';

export const crossEntropyKernel = modelOpKernel({
  id: 'cross-entropy',
  description: 'target log-probabilities from logits without log-softmax or one-hot tensors',
  op: 'targetLogProbs',
  impl: (o) => (logits, targets) => targetLogProbsKernel(logits, targets, rowLayoutOf(o, 'cross-entropy', logits.shape)),
  parity: () => checkTargetLogProbsParity(),
});
