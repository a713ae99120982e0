// The causal attention kernel's entry in the kernel list.
import { modelOpKernel } from '../kernel';
import { causalAttentionKernel } from './causalAttention';
import { checkAttentionParity } from './parity';

export const attentionKernel = modelOpKernel({
  id: 'attention',
  description: 'causal grouped-query attention without the (B, heads, T, T) score matrix, forward and backward',
  op: 'causalAttention',
  impl: () => causalAttentionKernel,
  parity: checkAttentionParity,
});
