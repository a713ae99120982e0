// The Merge panel's choices (method, base, checked experts in the order they were checked, each
// with its per-model parameters, the global parameters and a name) and the request they make for
// studio.merge / studio.mergeDiagnostics, which validate it and throw naming what is wrong.
import { useMemo, useState } from 'react';
import { paramErrors, type ParamSpec, type ParamValues } from '../../core/params';
import type { MergeMethodInfo } from '../../state/merge';
import { useStudio } from '../../state/store';
import { defaultParams } from '../shared/ParamForm';
import { useStudioApi } from '../shared/studioContext';

export interface MergeExpertDraft {
  id: string;
  params: ParamValues;
}

/** Defaults of `specs`, keeping the values of `old` for parameters the new schema shares. */
function carryOver(specs: ParamSpec[], old: ParamValues): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.name, s.name in old ? old[s.name] : s.default]));
}

export function useMergeDraft() {
  const studio = useStudioApi();
  const methods = useMemo(() => studio.mergeMethods(), [studio]);
  const live = useStudio((s) => s.checkpoints);
  const [methodId, setMethodId] = useState(methods[0].id);
  const method: MergeMethodInfo = methods.find((m) => m.id === methodId) ?? methods[0];
  const [chosenBase, setBase] = useState('');
  const [chosen, setExperts] = useState<MergeExpertDraft[]>([]);
  const [global, setGlobal] = useState<ParamValues>(() => defaultParams(method.globalParams));
  const [name, setName] = useState('');

  // Deleted checkpoints drop out here; the base is never also an expert.
  const base = method.base !== 'none' && live.some((c) => c.id === chosenBase) ? chosenBase : '';
  const experts = chosen.filter((e) => e.id !== base && live.some((c) => c.id === e.id));

  function pickMethod(id: string) {
    const m = methods.find((x) => x.id === id);
    if (!m) return;
    setMethodId(id);
    setGlobal((g) => carryOver(m.globalParams, g));
    setExperts((list) => list.map((e) => ({ ...e, params: carryOver(m.modelParams, e.params) })));
  }

  function toggleExpert(id: string, on: boolean) {
    setExperts((list) => (on ? [...list.filter((e) => e.id !== id), { id, params: defaultParams(method.modelParams) }] : list.filter((e) => e.id !== id)));
  }

  function setExpertParams(id: string, params: ParamValues) {
    setExperts((list) => list.map((e) => (e.id === id ? { ...e, params } : e)));
  }

  const request = {
    method: method.id,
    ...(base ? { base } : {}),
    models: experts.map((e) => ({ id: e.id, ...e.params })),
    params: global,
  };
  return { methods, method, pickMethod, base, setBase, experts, toggleExpert, setExpertParams, global, setGlobal, name, setName, request };
}

/** Why the current choices cannot be merged yet, or undefined when they can. */
export function mergeBlocker(method: MergeMethodInfo, base: string, expertCount: number): string | undefined {
  const need = method.expertCount;
  if (need ? expertCount !== need : expertCount < 2) return `check ${need ? `exactly ${need}` : 'at least 2'} experts`;
  if (method.base === 'required' && !base) return `${method.label} needs a base model`;
  return undefined;
}

/** The first parameter the form marks invalid (global, then each expert's), as a blocker; undefined when all pass. */
export function mergeParamProblem(method: MergeMethodInfo, global: ParamValues, experts: MergeExpertDraft[]): string | undefined {
  const first = Object.values(paramErrors(method.globalParams, global))[0];
  if (first) return `fix the method parameter: ${first}`;
  for (const e of experts) {
    const problem = Object.values(paramErrors(method.modelParams, e.params))[0];
    if (problem) return `fix ${e.id}'s parameter: ${problem}`;
  }
  return undefined;
}
