// What the last growth saved: the new checkpoint and its check against the parent.
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import { GrowthCheck } from './GrowthCheck';

export function GrowResult({ manifest: m }: { manifest: CheckpointManifest }) {
  return (
    <div className="result-box" data-testid="grow-result">
      <p>
        Saved <b data-testid="grow-result-name">{m.name}</b>; it is selected in the Train panel, ready to train.
      </p>
      {m.growth && (
        <p className="small-text">
          <GrowthCheck growth={m.growth} testId="grow-preservation" />
        </p>
      )}
    </div>
  );
}
