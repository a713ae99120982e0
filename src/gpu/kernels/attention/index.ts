// The causal attention kernel's entry in the kernel list.
import { modelOpKernel } from '../kernel';
import { causalAttentionKernel } from './causalAttention';
import { tunedAttention } from './candidates';
import { checkAttentionParity } from './parity';

export const attentionKernel = modelOpKernel({
  id: 'attention',
  description: 'causal grouped-query attention without the (B, heads, T, T) score matrix, forward and backward; where the tuner timed a call\'s shape, the faster of that and tfjs\'s composed ops',
  op: 'causalAttention',
  impl: (o) => (o.tuning ? tunedAttention(o.tuning) : causalAttentionKernel),
  parity: checkAttentionParity,
});
