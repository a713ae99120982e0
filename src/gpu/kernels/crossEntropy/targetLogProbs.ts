// log softmax(logits)[target] per position on WebGPU, straight from the logits and the target
// ids: no log-softmax tensor and no one-hot (B, T, V) matrix. Forward: one workgroup per row
// reduces the row's max and sum of exponentials and writes one number. Backward: one workgroup
// per row recomputes max and sum and writes dlogits = dy (onehot - softmax) in place of the
// stock path's one-hot, log-softmax gradient and broadcasts.
// Reference: core/model/kernels.ts stockTargetLogProbs; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, ROW_OF_WORKGROUP, ROW_WORKGROUP, registerStudioKernel, runKernel, runProgram, workgroupMax, workgroupSum } from '../program';

const FORWARD = 'StudioTargetLogProbs';
const BACKWARD = 'StudioTargetLogProbsGrad';

/** max and log-sum-exp of this workgroup's row into `rowMax`, `rowSum`. */
const ROW_STATS = `${ROW_OF_WORKGROUP}
  var m = -3.402823e38;
  for (var c = tid; c < uniforms.cols; c += ${ROW_WORKGROUP}) { m = max(m, logits[base + c]); }
  partial[localId.x] = m;
  ${workgroupMax('partial')}
  let rowMax = partial[0];
  workgroupBarrier();
  var s = 0.0;
  for (var c = tid; c < uniforms.cols; c += ${ROW_WORKGROUP}) { s += exp(logits[base + c] - rowMax); }
  partial[localId.x] = s;
  ${workgroupSum('partial')}
  let rowSum = partial[0];`;

function register(): void {
  registerStudioKernel(FORWARD, ({ logits, targets }, backend) => {
    const vocab = logits.shape[logits.shape.length - 1];
    const rows = targets.shape.reduce((a, b) => a * b, 1);
    return runProgram(backend, {
      key: 'target_logprobs_fwd', inputs: ['logits', 'targets'], outputShape: targets.shape, workgroup: ROW_WORKGROUP, workgroups: rows,
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: vocab }],
      code: `
var<workgroup> partial : array<f32, ${ROW_WORKGROUP}>;
${MAIN} {
  ${ROW_STATS}
  if (valid && tid == 0) { result[row] = logits[base + targets[row]] - rowMax - log(rowSum); }
}`,
    }, [logits, targets]);
  });

  registerStudioKernel(BACKWARD, ({ logits, targets, dy }, backend) => {
    const vocab = logits.shape[logits.shape.length - 1];
    const rows = targets.shape.reduce((a, b) => a * b, 1);
    return runProgram(backend, {
      key: 'target_logprobs_bwd', inputs: ['logits', 'targets', 'dy'], outputShape: logits.shape, workgroup: ROW_WORKGROUP, workgroups: rows,
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: vocab }],
      code: `
var<workgroup> partial : array<f32, ${ROW_WORKGROUP}>;
${MAIN} {
  ${ROW_STATS}
  if (valid) {
    let g = dy[row];
    let want = targets[row];
    for (var c = tid; c < uniforms.cols; c += ${ROW_WORKGROUP}) {
      var hit = 0.0;
      if (c == want) { hit = 1.0; }
      result[base + c] = g * (hit - exp(logits[base + c] - rowMax) / rowSum);
    }
  }
}`,
    }, [logits, targets, dy]);
  });
}

export function targetLogProbsKernel(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  register();
  const ids = targets.dtype === 'int32' ? targets : tf.cast(targets, 'int32');
  const op = customOp(([l], save) => {
    // The ids are saved, not captured: a tensor made during the forward pass is disposed before
    // the backward pass unless saved.
    save([l, ids]);
    return {
      value: runKernel(FORWARD, { logits: l, targets: ids }),
      gradFunc: (dy: tf.Tensor, [ls, idsSaved]: tf.Tensor[]) => runKernel(BACKWARD, { logits: ls, targets: idsSaved, dy }),
    };
  });
  return op(logits) as tf.Tensor2D;
}
