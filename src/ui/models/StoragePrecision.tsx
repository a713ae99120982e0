// The dtype new checkpoints are stored in (studio.checkpoints.storageDtype): F32 exact, or BF16/F16
// at half the bytes, with the precision given up and the bytes saved stated for the model the
// Train panel starts from (core/checkpoint/storageCost.ts). Stored checkpoints keep their dtype;
// each one's details say how it is stored.
import { useState } from 'react';
import { storageSaving, storageSavingWords } from '../../core/checkpoint/storageCost';
import { STORAGE_DTYPES, type StorageDtype, storageDtypeWords } from '../../core/checkpoint/storageDtype';
import { useStudio } from '../../state/store';
import { useStudioApi } from '../shared/studioContext';
import { useUi } from '../shared/uiState';
import { report } from '../shared/report';

export function StoragePrecision() {
  const studio = useStudioApi();
  const [dtype, setDtype] = useState<StorageDtype>(() => studio.checkpoints.storageDtype());
  const picked = useUi((s) => s.fromId);
  const model = useStudio((s) => s.checkpoints.find((c) => c.id === picked) ?? s.checkpoints[0]);
  async function choose(d: StorageDtype) {
    const set = await report(() => studio.checkpoints.storageDtype(d));
    if (set) setDtype(set);
  }
  return (
    <div className="storage-precision" data-testid="storage-precision">
      <label className="field">
        <span>store new checkpoints as</span>
        <select data-testid="storage-dtype" value={dtype} onChange={(e) => void choose(e.target.value as StorageDtype)}>
          {STORAGE_DTYPES.map((d) => <option key={d} value={d}>{d}</option>)}
        </select>
      </label>
      <p className="muted small-text" data-testid="storage-dtype-words">
        {model ? storageSavingWords(storageSaving(model.config, dtype), `a checkpoint of "${model.name}"`) : storageDtypeWords(dtype)}. Applies to checkpoints saved from now on (created, trained, adapted, grown, merged, imported); training always computes in F32.
      </p>
    </div>
  );
}
