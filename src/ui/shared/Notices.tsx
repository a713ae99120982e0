// Errors and information from the store as toasts in a corner. Errors stay until dismissed;
// information fades after a few seconds.
import { useEffect } from 'react';
import { dismissNotice, type Notice, useStudio } from '../../state/store';

const INFO_MS = 6000;

export function Notices() {
  const notices = useStudio((s) => s.notices);
  return (
    <div className="notices">
      {notices.map((n) => <Toast key={n.id} notice={n} />)}
    </div>
  );
}

function Toast({ notice }: { notice: Notice }) {
  useEffect(() => {
    if (notice.kind !== 'info') return;
    const t = setTimeout(() => dismissNotice(notice.id), INFO_MS);
    return () => clearTimeout(t);
  }, [notice]);
  return (
    <div className={`notice ${notice.kind}`} data-testid="notice" data-kind={notice.kind} role={notice.kind === 'error' ? 'alert' : 'status'}>
      <span>{notice.text}</span>
      <button className="icon" aria-label="dismiss" data-testid="notice-dismiss" onClick={() => dismissNotice(notice.id)}>×</button>
    </div>
  );
}
