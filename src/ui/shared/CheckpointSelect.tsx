// The one checkpoint picker: a <select> of checkpoints by name, newest first (the store's order),
// used wherever a panel picks one checkpoint (train, grow and adapt from, the merge base, a
// mergekit model's mapping, an evaluation's reference). Each place keeps its own data-testid.
import { useStudio } from '../../state/store';

interface Props {
  testId: string;
  /** The chosen checkpoint's id; '' for none. */
  value: string;
  onChange: (id: string) => void;
  /** Offer '' as a choice with this label ("none"). Without it, '' shows only while there is nothing to pick. */
  none?: string;
  /** The checkpoints to offer; by default every checkpoint in this browser. */
  checkpoints?: readonly { id: string; name: string }[];
  disabled?: boolean;
  /** Tells several pickers of one table apart (data-name). */
  name?: string;
}

export function CheckpointSelect({ testId, value, onChange, none, checkpoints, disabled, name }: Props) {
  const stored = useStudio((s) => s.checkpoints);
  const list = checkpoints ?? stored;
  const empty = none ?? (value ? undefined : 'no checkpoints yet');
  return (
    <select data-testid={testId} data-name={name} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {empty !== undefined && <option value="">{empty}</option>}
      {list.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
    </select>
  );
}
