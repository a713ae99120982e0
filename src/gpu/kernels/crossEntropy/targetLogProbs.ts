// log softmax(logits)[target] per position on WebGPU, straight from the logits and the target
// ids: no log-softmax tensor and no one-hot (B, T, V) matrix. Rows are laid out as program.ts's
// RowLayout says (a workgroup or a thread per row). Forward: each row reduces its max and sum of
// exponentials and writes one number. Backward: each row recomputes max and sum and writes
// dlogits = dy (onehot - softmax) in place of the stock path's one-hot, log-softmax gradient and
// broadcasts.
// Reference: core/model/kernels.ts stockTargetLogProbs; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, registerStudioKernel, rowKernel, runKernel, runProgram, type RowKernel, type RowLayout } from '../program';

const FORWARD = 'StudioTargetLogProbs';
const BACKWARD = 'StudioTargetLogProbsGrad';

/** The row's max and sum of exponentials into `rowMax`, `rowSum`. */
const rowStats = (k: RowKernel) => `${k.header}
  var m = -3.402823e38;
  for (var c = tid; c < uniforms.cols; c += ${k.stride}) { m = max(m, logits[base + c]); }
  ${k.max('m', 'rowMax')}
  var s = 0.0;
  for (var c = tid; c < uniforms.cols; c += ${k.stride}) { s += exp(logits[base + c] - rowMax); }
  ${k.sum('s', 'rowSum')}`;

function register(): void {
  registerStudioKernel(FORWARD, ({ logits, targets }, backend, attrs) => {
    const vocab = logits.shape[logits.shape.length - 1];
    const rows = targets.shape.reduce((a, b) => a * b, 1);
    const k = rowKernel(attrs.layout as RowLayout);
    return runProgram(backend, {
      key: `target_logprobs_fwd_${k.layout}`, inputs: ['logits', 'targets'], outputShape: targets.shape, workgroup: k.workgroup, workgroups: k.workgroups(rows),
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: vocab }],
      code: `
${k.declarations}
${MAIN} {
  ${rowStats(k)}
  if (valid && tid == 0) { result[row] = logits[base + targets[row]] - rowMax - log(rowSum); }
}`,
    }, [logits, targets]);
  });

  registerStudioKernel(BACKWARD, ({ logits, targets, dy }, backend, attrs) => {
    const vocab = logits.shape[logits.shape.length - 1];
    const rows = targets.shape.reduce((a, b) => a * b, 1);
    const k = rowKernel(attrs.layout as RowLayout);
    return runProgram(backend, {
      key: `target_logprobs_bwd_${k.layout}`, inputs: ['logits', 'targets', 'dy'], outputShape: logits.shape, workgroup: k.workgroup, workgroups: k.workgroups(rows),
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: vocab }],
      code: `
${k.declarations}
${MAIN} {
  ${rowStats(k)}
  if (valid) {
    let g = dy[row];
    let want = targets[row];
    for (var c = tid; c < uniforms.cols; c += ${k.stride}) {
      var hit = 0.0;
      if (c == want) { hit = 1.0; }
      result[base + c] = g * (hit - exp(logits[base + c] - rowMax) / rowSum);
    }
  }
}`,
    }, [logits, targets, dy]);
  });
}

/** `layout`: the row layout, taken when the op is called (its backward pass runs later). */
export function targetLogProbsKernel(logits: tf.Tensor3D, targets: tf.Tensor2D, layout: RowLayout): tf.Tensor2D {
  register();
  const ids = targets.dtype === 'int32' ? targets : tf.cast(targets, 'int32');
  const op = customOp(([l], save) => {
    // The ids are saved, not captured: a tensor made during the forward pass is disposed before
    // the backward pass unless saved.
    save([l, ids]);
    return {
      value: runKernel(FORWARD, { logits: l, targets: ids }, { layout }),
      gradFunc: (dy: tf.Tensor, [ls, idsSaved]: tf.Tensor[]) => runKernel(BACKWARD, { logits: ls, targets: idsSaved, dy }, { layout }),
    };
  });
  return op(logits) as tf.Tensor2D;
}
