// Hands the StudioApi (the same object automation drives as window.studio) to every panel, so
// panels call its actions without threading it through props.
import { createContext, useContext } from 'react';
import type { StudioApi } from '../../state/studio';

export const StudioContext = createContext<StudioApi | null>(null);

export function useStudioApi(): StudioApi {
  const api = useContext(StudioContext);
  if (!api) throw new Error('useStudioApi needs <StudioContext.Provider> around the panel');
  return api;
}
