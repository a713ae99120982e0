// Where minimal-pair suites come from on the main thread: the built-in index and files (fetched
// once), and imported suites in IndexedDB. Evaluation and training read pairs through it.
import type { MinimalPair, Suite, SuiteIndex, SuiteInfo } from '../core/eval/suites/types';
import { suiteInfo } from '../core/eval/suites/types';
import type { Services } from './services';
import { useStudio } from './store';

export function isImported(info: SuiteInfo): boolean {
  return info.source === 'blimp' || info.source === 'multiblimp';
}

export class SuiteLibrary {
  private builtinPairs = new Map<string, Promise<MinimalPair[]>>();
  readonly loaded: Promise<void>;

  constructor(private readonly s: Services) {
    this.loaded = this.refresh();
  }

  async refresh(): Promise<void> {
    const res = await fetch(`${import.meta.env.BASE_URL}suites/index.json`);
    if (!res.ok) throw new Error(`the built-in suites are missing (suites/index.json: ${res.status}); run npm run build:data`);
    const builtin = ((await res.json()) as SuiteIndex).suites;
    const imported = (await this.s.suites.list()).map(suiteInfo);
    useStudio.setState({ suites: [...imported, ...builtin] });
  }

  byId(id: unknown): SuiteInfo {
    const info = useStudio.getState().suites.find((x) => x.id === id);
    if (!info) throw new Error(`suite ${JSON.stringify(id)} is not known; see studio.suites()`);
    return info;
  }

  async pairs(info: SuiteInfo): Promise<MinimalPair[]> {
    if (isImported(info)) {
      const suite = await this.s.suites.get(info.id);
      if (!suite) throw new Error(`suite ${info.id} is missing from storage`);
      return suite.pairs;
    }
    let p = this.builtinPairs.get(info.id);
    if (!p) {
      p = fetch(`${import.meta.env.BASE_URL}suites/${info.id}.json`).then(async (r) => {
        if (!r.ok) throw new Error(`could not read suite ${info.id} (${r.status})`);
        return ((await r.json()) as Suite).pairs;
      });
      p.catch(() => this.builtinPairs.delete(info.id));
      this.builtinPairs.set(info.id, p);
    }
    return p;
  }
}
