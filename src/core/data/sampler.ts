// Training batches from a weighted mix of corpora (this is how English replay is mixed into
// continued pretraining). Batch k depends only on (seed, k), so a resumed run sees exactly the
// batches it would have seen without the interruption.
import { hashString, mulberry32 } from '../rng';
import type { Batch, TokenizedText } from './tokens';
import { emptyBatch, fillWindow } from './tokens';

export interface MixSource {
  id: string;
  weight: number;
  text: TokenizedText;
}

export class MixtureSampler {
  private readonly cumulative: number[];

  constructor(
    readonly sources: MixSource[],
    readonly batchSize: number,
    readonly seqLen: number,
    readonly seed: number,
    readonly bos: number,
  ) {
    if (sources.length === 0) throw new Error('data must name at least one corpus');
    const total = sources.reduce((a, s) => a + s.weight, 0);
    let acc = 0;
    this.cumulative = sources.map((s) => (acc += s.weight / total));
  }

  /** The batch of 0-based step `step`; every row picks its corpus by weight, then a line start. */
  batch(step: number): Batch & { sourceOfRow: string[] } {
    const rand = mulberry32(hashString(`batch:${step}`, this.seed));
    const b = emptyBatch(this.batchSize, this.seqLen);
    const sourceOfRow: string[] = [];
    for (let row = 0; row < this.batchSize; row++) {
      const u = rand();
      let si = this.cumulative.findIndex((c) => u < c);
      if (si < 0) si = this.sources.length - 1;
      const src = this.sources[si];
      const starts = src.text.lineStarts;
      const start = starts.length ? starts[Math.floor(rand() * starts.length)] : 0;
      fillWindow(src.text, start, this.bos, b, row);
      sourceOfRow.push(src.id);
    }
    return { ...b, sourceOfRow };
  }
}
