// Generated minimal-pair files of any size, as BLiMP (JSON Lines) and MultiBLiMP (TSV) write
// them, for the tests that import hundreds of thousands of pairs. Pair i's sentences carry i, so
// a test can tell which pairs arrived.

/** `n` BLiMP lines in `paradigms` paradigms (UIDs p0, p1, ...), one JSON object a line. */
export function blimpJsonl(n: number, paradigms = 67): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(JSON.stringify({ sentence_good: `The cat number ${i} sleeps here.`, sentence_bad: `The cat number ${i} sleep here.`, field: 'morphology', UID: `p${i % paradigms}`, pairID: String(i) }));
  return out.join('\n') + '\n';
}

/** A MultiBLiMP file of `n` pairs with a header row and CRLF line ends, as its tsv files come. */
export function multiBlimpTsv(n: number): string {
  const out = ['sen\twrong_sen\tphenomenon\tlang\tgrammatical_feature'];
  for (let i = 0; i < n; i++) out.push(`Hann ${i} er hér.\tHann ${i} eru hér.\tSV-#\tisl\tSG`);
  return out.join('\r\n') + '\r\n';
}
