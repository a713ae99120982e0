// What the forgetting story says at each stage, written from the numbers the chart shows (so a
// sentence never claims a fall the curves do not have): the blank model, phase 1 (English), phase
// 2 without replay, and the replay pass against pass 1.
import { forgettingAvoided, type PassNumbers } from '../../core/train/forgetStory';

/** "fell from 3.12 to 2.40" or "rose from 2.40 to 2.95" (nats per byte, two decimals). */
export function movement(from: number, to: number): string {
  const verb = to < from ? 'fell' : to > from ? 'rose' : 'stayed';
  return verb === 'stayed' ? `stayed at ${from.toFixed(2)}` : `${verb} from ${from.toFixed(2)} to ${to.toFixed(2)}`;
}

/** A corpus by its language alone: "English (Brown corpus)" reads "English" in the story. */
export function languageName(corpusId: string, corpora: { id: string; name: string }[]): string {
  return corpora.find((c) => c.id === corpusId)?.name.replace(/ \(.*\)$/, '') ?? corpusId;
}

/**
 * Text as the story shows it: control characters and the replacement character (bytes that are
 * no UTF-8, as an untrained byte model writes) become a middle dot, so noise reads as noise.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, '·');
}

export interface StoryNames {
  english: string;
  target: string;
}

/** "rose by 0.31" or "fell by 0.05". */
export function by(change: number): string {
  return change >= 0 ? `rose by ${change.toFixed(2)}` : `fell by ${(-change).toFixed(2)}`;
}

/** The blank model; `vocab` tokens (bytes) make ln(vocab) the loss of a uniform guess. */
export function untrainedText(start: { english?: number; target?: number }, vocab: number, n: StoryNames): string {
  const loss = start.english !== undefined && start.target !== undefined
    ? ` Its loss is ${start.english.toFixed(2)} on ${n.english} and ${start.target.toFixed(2)} on ${n.target} (nats per byte), near ln ${vocab} = ${Math.log(vocab).toFixed(2)}, a guess among every token.`
    : '';
  return `A new model with random weights: it gives every next token about the same chance.${loss} What it writes from the two prompts is noise.`;
}

export function englishText(p: PassNumbers | undefined, steps: number, n: StoryNames): string {
  const lead = `For ${steps} steps it reads only ${n.english}.`;
  if (!p) return `${lead} Its ${n.english} loss should fall; ${n.target} loss often falls a little too, as the languages share letters and short words.`;
  const targetWord = p.targetEnd < p.targetStart ? `also ${movement(p.targetStart, p.targetEnd)}, less, since the languages share letters and short words` : movement(p.targetStart, p.targetEnd);
  return `${lead} ${n.english} loss ${movement(p.englishStart, p.englishEnd)}; ${n.target} loss ${targetWord}. Compare what it writes now with the blank model's noise.`;
}

export function targetText(p: PassNumbers | undefined, steps: number, n: StoryNames): string {
  const lead = `At the marker the data changes: for ${steps} steps it reads only ${n.target}, no ${n.english} at all.`;
  if (!p) return `${lead} Watch ${n.target} loss fall and ${n.english} loss rise.`;
  const forgot = p.englishRise > 0
    ? `${n.english} loss ${movement(p.englishStart, p.englishEnd)}: it is forgetting ${n.english} (catastrophic forgetting). Compare its ${n.english} sample with the one after phase 1.`
    : `${n.english} loss ${movement(p.englishStart, p.englishEnd)}: this time it did not forget ${n.english}.`;
  return `${lead} ${n.target} loss ${movement(p.targetStart, p.targetEnd)}, while ${forgot}`;
}

export function replayText(without: PassNumbers | undefined, withReplay: PassNumbers | undefined, replay: number, steps: number, n: StoryNames): string {
  const pct = Math.round(replay * 100);
  const lead = `The same ${n.english} checkpoint, the same settings and the same ${steps} steps, but ${pct} % of every batch is ${n.english} (replay). Its lines are dashed.`;
  if (!without || !withReplay) return `${lead} Watch the dashed ${n.english} line stay lower than the solid one.`;
  const avoided = forgettingAvoided(without, withReplay);
  const share = avoided === undefined ? '' : avoided > 0 ? ` Replay avoided ${Math.round(avoided * 100)} % of the forgetting.` : ' Replay did not reduce forgetting this time.';
  return `${lead} ${n.english} loss ${by(withReplay.englishRise)} (without replay it ${by(without.englishRise)}); ${n.target} loss ${by(-withReplay.targetGain)} (without replay it ${by(-without.targetGain)}).${share}`;
}
