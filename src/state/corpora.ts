// The corpora feature's actions: the embedded corpora (built into public/corpora) and the user's
// own, added from a .txt or .jsonl file and kept in IndexedDB with their split.
import { newId } from '../core/checkpoint/manifest';
import type { CorpusIndex, CorpusInfo } from '../core/data/corpusSplit';
import { parseUserCorpus, splitUnits } from '../core/data/corpusSplit';
import type { Services } from './services';
import { useStudio } from './store';

export interface CorpusActions {
  corpora(): Promise<CorpusInfo[]>;
  addCorpus(fileName: string, text: string, options?: { name?: string; language?: string }): Promise<{ id: string; lines: number; errors: { line: number; message: string }[] }>;
  deleteCorpus(id: string): Promise<void>;
}

export interface CorpusInternals {
  /** Lists the embedded and user corpora into the store (start-up, and after another tab's change). */
  loadCorpora(): Promise<void>;
  /** The listed corpus with this id, or a refusal naming where the ids are. */
  corpusInfo(id: unknown): CorpusInfo;
}

export function createCorpusActions(s: Services, ready: () => Promise<void>): CorpusActions & CorpusInternals {
  async function loadCorpora(): Promise<void> {
    const res = await fetch(`${import.meta.env.BASE_URL}corpora/index.json`);
    if (!res.ok) throw new Error(`the embedded corpora are missing (corpora/index.json: ${res.status}); run npm run build:data`);
    const index = (await res.json()) as CorpusIndex;
    const user = (await s.userCorpora.list()).map<CorpusInfo>((c) => ({
      id: c.id, language: c.language, name: c.name, source: 'user', featured: true,
      trainBytes: new TextEncoder().encode(c.train).length, validBytes: new TextEncoder().encode(c.valid).length,
    }));
    useStudio.setState({ corpora: [...user, ...index.corpora] });
  }

  function corpusInfo(id: unknown): CorpusInfo {
    const c = useStudio.getState().corpora.find((x) => x.id === id);
    if (!c) throw new Error(`corpus ${JSON.stringify(id)} is not known; see studio.corpora()`);
    return c;
  }

  return {
    loadCorpora,
    corpusInfo,
    async corpora() {
      await ready();
      return useStudio.getState().corpora;
    },
    async addCorpus(fileName, text, options = {}) {
      if (typeof fileName !== 'string' || typeof text !== 'string') throw new Error('addCorpus(fileName, text) needs a file name and its text');
      if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error(`options must be an object {name?, language?}, got ${JSON.stringify(options)}`);
      if (options.name !== undefined && typeof options.name !== 'string') throw new Error(`options.name must be a string, got ${JSON.stringify(options.name)}`);
      if (options.language !== undefined && typeof options.language !== 'string') throw new Error(`options.language must be an ISO 639-3 code (three lowercase letters) or 'und', got ${JSON.stringify(options.language)}`);
      const { lines, errors } = parseUserCorpus(fileName, text);
      if (lines.length < 2) throw new Error(`${fileName} has ${lines.length} usable line(s); a corpus needs at least 2 (one for training, one for validation)`);
      const { train, valid } = splitUnits(lines);
      const language = options.language ?? 'und';
      if (!/^[a-z]{3}$|^und$/.test(language)) throw new Error(`language must be an ISO 639-3 code of three lowercase letters (or 'und'), got ${JSON.stringify(language)}`);
      const id = newId('user');
      await s.userCorpora.put({ id, name: options.name?.trim() || fileName, language, createdAt: new Date().toISOString(), train: train.join('\n'), valid: (valid.length ? valid : train.slice(-1)).join('\n') });
      await loadCorpora();
      return { id, lines: lines.length, errors };
    },
    async deleteCorpus(id) {
      const c = corpusInfo(id);
      if (c.source !== 'user') throw new Error(`corpus ${id} is embedded; only your own corpora can be deleted`);
      await s.userCorpora.delete(id);
      await loadCorpora();
    },
  };
}
