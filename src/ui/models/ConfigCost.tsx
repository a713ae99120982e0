// What a config will cost, shown before Create and updated as it is typed: parameters, float32
// weights, the estimated memory of a training step at the Train form's starting batch shape, the
// checkpoint's size in IndexedDB and its largest GPU buffer, with a warning for each the device
// cannot hold (estimateMemory / memoryWarnings in core, against the limits the store knows).
import { estimateMemory, memoryBudget, memoryWarnings } from '../../core/model/memory';
import type { LlamaConfig } from '../../core/model/config';
import { specOf } from '../../core/params';
import { TRAIN_SETTINGS } from '../../core/train/settings';
import { deviceLimitsOf } from '../../state/deviceLimits';
import { useStudio } from '../../state/store';
import { formatBytes, formatCount } from '../shared/format';

/** The batch shape the estimate names: the Train form's start, seq len within the model's context. */
const BATCH = specOf(TRAIN_SETTINGS, 'batchSize').formDefault;
const SEQ = specOf(TRAIN_SETTINGS, 'seqLen').formDefault;

export function ConfigCost({ config }: { config: LlamaConfig }) {
  const backend = useStudio((s) => s.backend);
  const storage = useStudio((s) => s.storage);
  const limits = deviceLimitsOf({ backend, storage });
  const seq = Math.min(SEQ, config.max_position_embeddings);
  const e = estimateMemory(config, BATCH, seq);
  const warnings = memoryWarnings(e, limits);
  const t = e.training;
  const budget = memoryBudget(limits);
  return (
    <div className="config-cost" data-testid="config-cost">
      <dl className="cost-grid">
        <dt>parameters</dt>
        <dd data-testid="cost-params"><b>{formatCount(e.parameters)}</b> <span className="muted">({e.parameters.toLocaleString('en-US')})</span></dd>
        <dt>weights (f32)</dt>
        <dd data-testid="cost-weights">{formatBytes(e.weightsBytes)}</dd>
        <dt title="weights + gradients + AdamW's two moments + the activations autograd keeps; kernels may fuse or recompute some">training, estimated</dt>
        <dd data-testid="cost-training">
          ≈ {formatBytes(t.total)} <span className="muted">at batch {t.batchSize} × seq {t.seqLen}: weights {formatBytes(t.weights)} + gradients {formatBytes(t.gradients)} + Adam {formatBytes(t.optimizer)} + activations {formatBytes(t.activations)}</span>
        </dd>
        <dt>stored in IndexedDB</dt>
        <dd data-testid="cost-stored">{formatBytes(e.storedBytes)}{limits.storageFreeBytes !== undefined && <span className="muted"> of {formatBytes(limits.storageFreeBytes)} free</span>}</dd>
        <dt>largest GPU buffer</dt>
        <dd data-testid="cost-buffer">
          {formatBytes(e.largestBuffer.bytes)} <span className="muted">({e.largestBuffer.name}{limits.maxBindingBytes !== undefined ? `; this GPU binds up to ${formatBytes(limits.maxBindingBytes)}` : ''})</span>
        </dd>
      </dl>
      <p className="muted small-text">Training memory is compared against {budget.source}: {formatBytes(budget.bytes)}.</p>
      {warnings.map((w) => (
        // A split is how the studio runs a tensor over the binding limit, not a problem: a note, not a warning.
        <p key={w.what} className={w.what === 'split' ? 'muted small-text' : 'warn-text'} data-testid="config-warning" data-what={w.what}>{w.what === 'split' ? 'ℹ' : '⚠'} {w.message}</p>
      ))}
    </div>
  );
}
