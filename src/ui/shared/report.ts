// Runs a studio action from a click and turns its rejection into an error notice, so no UI
// action ends in an unhandled promise rejection.
import { notify } from '../../state/store';

export function report<T>(p: Promise<T>): Promise<T | undefined> {
  return p.catch((e: Error) => {
    notify('error', e.message);
    return undefined;
  });
}
