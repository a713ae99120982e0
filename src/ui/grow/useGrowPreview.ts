// The Grow panel's live preview: asks studio.growPreview ~200 ms after the last change of the
// parent, method or parameters, and drops answers to requests that have since been replaced.
import { useEffect, useState } from 'react';
import type { ParamValues } from '../../core/params';
import type { GrowthPreview } from '../../state/growth';
import { useStudioApi } from '../shared/studioContext';

const DEBOUNCE_MS = 200;

export interface PreviewState {
  preview?: GrowthPreview;
  /** The checkpoint `preview` grows. */
  parentId?: string;
  error?: string;
  /** A request is waiting or in flight; `preview` may belong to earlier inputs. */
  pending: boolean;
}

export function useGrowPreview(parentId: string | undefined, method: string, params: ParamValues): PreviewState {
  const studio = useStudioApi();
  const [state, setState] = useState<PreviewState>({ pending: false });
  // NaN (a field being typed) has to survive the key: JSON would turn it into null.
  const key = parentId ? JSON.stringify([parentId, method, Object.entries(params).map(([k, v]) => [k, String(v)])]) : '';

  useEffect(() => {
    if (!parentId) {
      setState({ pending: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      studio.growPreview(parentId, { method, ...params }).then(
        (preview) => live && setState({ preview, parentId, pending: false }),
        (e: Error) => live && setState({ error: e.message, pending: false }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `key` stands for parentId, method and params by value.
  }, [key, studio]);

  return state;
}
