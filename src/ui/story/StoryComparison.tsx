// The numbers of the two passes side by side: English loss at the start and end of phase 2 and its
// rise (forgetting), Icelandic loss and its fall (gain), and English word-order accuracy at the end.
import { forgettingAvoided, type PassNumbers } from '../../core/train/forgetStory';

export function StoryComparison({ passes, englishName, targetName, wordOrderSuite }: { passes: PassNumbers[]; englishName: string; targetName: string; wordOrderSuite: string }) {
  if (!passes.length) return null;
  const avoided = passes.length > 1 ? forgettingAvoided(passes[0], passes[passes.length - 1]) : undefined;
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  return (
    <div className="story-comparison" data-testid="story-comparison">
      <table className="story-table">
        <thead>
          <tr>
            <th>phase 2</th>
            <th>{englishName} loss</th>
            <th title="English loss at the end minus at the start of phase 2">forgetting</th>
            <th>{targetName} loss</th>
            <th title="Icelandic loss at the start minus at the end of phase 2">gain</th>
            <th title="share of English word-order minimal pairs the model prefers the right way round">{englishName} word order</th>
          </tr>
        </thead>
        <tbody>
          {passes.map((p, i) => {
            const acc = p.accuracy[wordOrderSuite];
            return (
              <tr key={i} data-testid="story-pass" data-replay={p.replay} data-english-rise={p.englishRise} data-target-gain={p.targetGain}>
                <td>{p.replay ? `${Math.round(p.replay * 100)} % replay` : 'no replay'}</td>
                <td>{p.englishStart.toFixed(2)} → {p.englishEnd.toFixed(2)}</td>
                <td><b>{signed(p.englishRise)}</b></td>
                <td>{p.targetStart.toFixed(2)} → {p.targetEnd.toFixed(2)}</td>
                <td><b>{signed(p.targetGain)}</b></td>
                <td>{acc ? `${Math.round(acc.start * 100)} → ${Math.round(acc.end * 100)} %` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {avoided !== undefined && (
        <p className="help story-avoided" data-testid="story-avoided" data-avoided={avoided}>
          {avoided > 0 ? `Replay avoided ${Math.round(avoided * 100)} % of the forgetting, in the same steps.` : 'Replay did not reduce the forgetting in this pass.'} Losses in nats per byte, from the first to the last evaluation of phase 2.
        </p>
      )}
    </div>
  );
}
