// The FLOP-matched token budget: how many tokens the grown model may train on for the FLOPs
// the parent spends on a given budget, at the same sequence length.
import { useEffect, useState } from 'react';
import { flopMatchedTokens } from '../../core/growth/grow';
import type { LlamaConfig } from '../../core/model/config';
import { trainingFlopsPerToken } from '../../core/model/weights';
import { formatCount, formatFlops, parseCount } from '../shared/format';
import { Field } from '../shared/Field';

const DEFAULT_TOKENS = '1,000,000';

export function FlopCalculator({ parent, grown }: { parent: LlamaConfig; grown: LlamaConfig }) {
  const maxSeq = Math.min(parent.max_position_embeddings, grown.max_position_embeddings);
  const [tokens, setTokens] = useState(DEFAULT_TOKENS);
  const [seq, setSeq] = useState(String(maxSeq));
  // Another parent: its own context length is the natural sequence length.
  useEffect(() => setSeq(String(maxSeq)), [maxSeq]);

  const n = parseCount(tokens);
  const T = parseCount(seq);
  let body;
  if (!(n > 0) || !Number.isFinite(n)) body = <p className="error-text">token budget must be a positive number, got {JSON.stringify(tokens)}</p>;
  else if (!Number.isInteger(T) || T < 1 || T > maxSeq) body = <p className="error-text">seq len must be an integer from 1 to {maxSeq}, got {JSON.stringify(seq)}</p>;
  else {
    const fSmall = trainingFlopsPerToken(parent, T);
    const fBig = trainingFlopsPerToken(grown, T);
    const matched = flopMatchedTokens(parent, grown, n, T);
    body = (
      <p className="stats">
        grown model: <b data-testid="flop-matched" data-value={matched} title={`${matched} tokens`}>{matched.toLocaleString('en-US')}</b> tokens ({formatCount(matched)})
        {' '}· {formatFlops(fBig)}/token vs {formatFlops(fSmall)}/token, <span className="num">{(fBig / fSmall).toFixed(2)}×</span> the FLOPs per token
        {' '}· {formatFlops(n * fSmall)} in all
      </p>
    );
  }

  return (
    <div className="subsection" data-testid="flop-calculator">
      <h3>FLOP-matched budget</h3>
      <div className="row-form">
        <Field grow label="parent token budget">
          <input inputMode="numeric" data-testid="flop-tokens" value={tokens} onChange={(e) => setTokens(e.target.value)} />
        </Field>
        <Field label={<>seq len (≤{maxSeq})</>}>
          <input className="short" inputMode="numeric" data-testid="flop-seq" value={seq} onChange={(e) => setSeq(e.target.value)} />
        </Field>
      </div>
      {body}
      <p className="muted small-text">
        FLOPs/token = 6·N<sub>non-emb</sub> + 6·L·T·d<sub>attn</sub> (attention scores) + 6·d·V (output head); matched tokens = budget × F<sub>parent</sub> / F<sub>grown</sub>.
      </p>
    </div>
  );
}

/** "1,000,000", "1_000_000", "1e6" → 1000000. */
