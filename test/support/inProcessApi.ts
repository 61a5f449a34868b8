/**
 * `window.plant` wired straight to a core in the same process: the contract, the dispatcher
 * and the pushes without a transport, with a structured clone at the boundary as IPC does.
 */
import { createDispatcher, type Dispatch } from '../../main/api/dispatch';
import { createHandlers } from '../../main/api/handlers';
import type { PlantCore } from '../../main/core/plantCore';
import { createPlantApi, type EventPushMessage, type PlantApi } from '../../shared/api/plantApi';

let clients = 0;

export function inProcessApi(core: PlantCore): { api: PlantApi; clientId: string; dispatch: Dispatch } {
  const clientId = `test-client-${++clients}`;
  const dispatch = createDispatcher(createHandlers(core));
  let onPush: (push: EventPushMessage) => void = () => {};
  core.pushes.connect(clientId, (push) => onPush(structuredClone(push)));
  const api = createPlantApi({
    call: async (method, args) => structuredClone(await dispatch(method, structuredClone(args), { clientId })),
    onPush: (listener) => (onPush = listener),
  });
  return { api, clientId, dispatch };
}
