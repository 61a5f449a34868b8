/**
 * The API of one core, as every transport calls it: the handlers over the core, behind the
 * dispatcher. In review mode the writing handlers are replaced by refusals, so that no
 * transport can change a history that is only being read.
 */
import type { PlantCore } from '../core/plantCore';
import { createDispatcher, type Dispatch } from './dispatch';
import { createHandlers } from './handlers';
import { refuseWrites } from './reviewGuard';

export function dispatcherFor(core: PlantCore, onInternalError?: (error: unknown) => void): Dispatch {
  const handlers = createHandlers(core);
  return createDispatcher(core.review ? refuseWrites(handlers) : handlers, onInternalError);
}
