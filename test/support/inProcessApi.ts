/**
 * `window.plant` wired straight to a core in the same process: the contract, the dispatcher
 * and the pushes without a transport, with a structured clone at the boundary as IPC does.
 */
import { dispatcherFor } from '../../main/api/coreDispatch';
import type { Dispatch } from '../../main/api/dispatch';
import type { PlantCore } from '../../main/core/plantCore';
import { createPlantApi, type EventPushMessage, type PlantApi } from '../../shared/api/plantApi';

let clients = 0;

export function inProcessApi(core: PlantCore): { api: PlantApi; clientId: string; dispatch: Dispatch } {
  const clientId = `test-client-${++clients}`;
  const dispatch = dispatcherFor(core);
  let onPush: (push: EventPushMessage) => void = () => {};
  core.pushes.connect(clientId, (push) => onPush(structuredClone(push)));
  const api = createPlantApi({
    call: async (method, args) => structuredClone(await dispatch(method, structuredClone(args), { clientId })),
    onPush: (listener) => (onPush = listener),
  });
  return { api, clientId, dispatch };
}
