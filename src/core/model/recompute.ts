// Gradient checkpointing for one block of the model (Chen et al. 2016, "Training Deep Nets with
// Sublinear Memory Cost"): the forward pass keeps only the block's input and computes its output
// without a tape, so none of its intermediates outlive it; the backward pass runs the block again
// under its own tape to get the gradients of the input and the weights. A training step then
// holds one block's activations at a time instead of every block's, for one more forward pass of
// the blocks (about a third more compute).
import * as tf from '@tensorflow/tfjs';

/** A block as a function of its input, its weights (in the order given) and constants it reads. */
export type Block = (x: tf.Tensor, weights: tf.Tensor[], constants: tf.Tensor[]) => tf.Tensor;

/** Frozen weights (non-trainable variables) get no gradient: they are constants of the block. */
const isFrozen = (w: tf.Tensor) => w instanceof tf.Variable && !w.trainable;

/**
 * tf.grads from inside a gradient function. tfjs has one tape per engine: a gradient computed
 * while the outer backward pass runs would start a new tape in its place and clear it when done,
 * and the outer pass would then fail to free its own saved tensors. The outer tape is set aside
 * and put back, so the nested pass records, frees and returns only its own nodes.
 */
function gradsWithinBackward(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const state = tf.engine().state;
  const outer = state.activeTape;
  try {
    return tf.grads(f)(xs, dy);
  } finally {
    state.activeTape = outer;
  }
}

/**
 * block(x, weights, constants) whose intermediates are recomputed in the backward pass. Gives the
 * same value and, to float rounding, the same gradients for x and every trainable weight as
 * calling block directly. `constants` (tables such as RoPE's) are kept for the backward pass.
 */
export function recomputeInBackward(block: Block, x: tf.Tensor, weights: tf.Tensor[], constants: tf.Tensor[]): tf.Tensor {
  const trained = weights.map((w) => !isFrozen(w));
  const inputs = [x, ...weights.filter((_, i) => trained[i])];
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    // Saved: clones that share the data of the input, the weights and the constants (no copy).
    save([x, ...weights, ...constants]);
    return {
      value: block(x, weights, constants),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, ...rest] = saved;
        const sw = rest.slice(0, weights.length);
        const sc = rest.slice(weights.length);
        const differentiated = [sx, ...sw.filter((_, i) => trained[i])];
        // The differentiated tensors, in the order of `inputs`, back into the block's weight order.
        const run = (...xs: tf.Tensor[]) => {
          let k = 1;
          return block(xs[0], sw.map((w, i) => (trained[i] ? xs[k++] : w)), sc);
        };
        return tf.tidy(() => gradsWithinBackward(run, differentiated, dy));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...inputs);
}
