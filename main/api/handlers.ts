/**
 * main's implementation of the API contract. Each handler receives arguments already
 * checked by the contract's `parse`, and the caller's context. `satisfies ApiHandlers`
 * makes a missing or mistyped method a compile error.
 */
import { ApiError } from '../../shared/api/errors';
import type { PlantCore } from '../core/plantCore';
import { MQTT_SETTINGS_KEY } from '../core/operations';
import { alarmHandlers } from './alarmHandlers';
import type { ApiHandlers } from './apiHandlers';
import { IdempotentPublisher } from './idempotentPublish';
import { OPCUA_SETTINGS_KEY } from '../ingest/opcua/opcuaConnection';
import { PLANT_SETTINGS_KEY } from '../plant/savedPlantSettings';

export function createHandlers(core: PlantCore): ApiHandlers {
  const { bus, store, equipment, pushes, simulator, mqtt, imports, settings, files } = core;
  const publisher = new IdempotentPublisher(bus, store);
  return {
    'events.publish': async (_ctx, input) => publisher.publish(input),
    'events.publishBatch': async (_ctx, inputs) => publisher.publishBatch(inputs),
    'events.query': async (_ctx, query) => store.query(query),
    'events.get': async (_ctx, id) => store.get(id),
    'events.subscribe': async (ctx, pattern) => ({ subscriptionId: pushes.subscribe(ctx.clientId, pattern) }),
    'events.unsubscribe': async (ctx, subscriptionId) => pushes.unsubscribe(ctx.clientId, subscriptionId),
    'equipment.list': async () => equipment.list(),
    'equipment.stateAt': async (_ctx, equipmentId, timestampMs) => equipment.stateAt(equipmentId, timestampMs),
    'equipment.diff': async (_ctx, equipmentId, from, to) => equipment.diff(equipmentId, from, to),
    'deadLetters.list': async () => bus.deadLetters.list(),
    'deadLetters.redrive': async (_ctx, ids) => bus.deadLetters.redrive(ids),
    'deadLetters.discard': async (_ctx, ids, reason) => bus.deadLetters.discard(ids, reason),
    'metrics.get': async () => core.metrics(),
    ...alarmHandlers(core),
    'simulator.status': async () => simulator?.status() ?? null,
    'simulator.setRate': async (_ctx, rate) => {
      requireSimulator(core).setRate(rate);
      return simulator?.status() ?? null;
    },
    'simulator.pause': async () => {
      requireSimulator(core).pause();
      return simulator?.status() ?? null;
    },
    'simulator.resume': async () => {
      requireSimulator(core).resume();
      return simulator?.status() ?? null;
    },
    'mqtt.status': async () => mqtt.state(),
    'mqtt.configure': async (_ctx, given, options) => mqtt.configure(given, options),
    'mqtt.test': async (_ctx, given, options) => mqtt.test(given, options),
    'mqtt.disconnect': async () => mqtt.disconnect(),
    'import.start': async (_ctx, request) => imports.start({ ...request, path: await files.check(request.path) }),
    'import.status': async () => imports.status(),
    'import.cancel': async () => imports.cancel(),
    'opcua.status': async () => core.opcua.state(),
    'opcua.configure': async (_ctx, given, options) => core.opcua.configure(given, options),
    'opcua.disconnect': async () => core.opcua.disconnect(),
    'opcua.trustCertificate': async (_ctx, sha256) => core.opcua.trust(sha256),
    'opcua.browse': async (_ctx, nodeId) => core.opcua.browse(nodeId),
    'plantLink.status': async () => core.plantLink.view(),
    'plantLink.configure': async (_ctx, given, options) => core.plantLink.configure(given, options),
    'plantLink.disconnect': async () => core.plantLink.disconnect(),
    'aggregates.series': async (_ctx, query) => core.aggregates.series(query),
    'ingest.rejected': async (_ctx, page) => store.query({ types: ['ingest.message.rejected'], order: 'desc', ...page }),
    'audit.export': async (_ctx, request) => core.audit.export({ ...request, out: await files.check(request.out) }),
    'audit.verifyFile': async (_ctx, path) => core.audit.verifyFile(await files.check(path)),
    'audit.verifyStore': async () => core.audit.verifyStore(),
    'audit.import': async (_ctx, request) => core.audit.import({ ...request, path: await files.check(request.path) }),
    'audit.status': async () => core.audit.status(),
    'audit.cancel': async () => core.audit.cancel(),
    'files.dialogs': async () => core.dialogs.available(),
    'files.chooseSave': async (_ctx, choice) => core.dialogs.chooseSave(choice),
    'files.chooseOpen': async (_ctx, choice) => core.dialogs.chooseOpen(choice),
    // The MQTT, OPC UA and plant-link settings hold secrets: the renderer reads them through their own status methods, without them.
    'settings.get': async () => {
      const { [MQTT_SETTINGS_KEY]: _secret, [OPCUA_SETTINGS_KEY]: _opcuaSecret, [PLANT_SETTINGS_KEY]: _plantSecret, ...values } = settings.all();
      return values;
    },
    'settings.set': async (_ctx, key, value) => {
      if (key === MQTT_SETTINGS_KEY) throw new TypeError('key: the MQTT settings are changed with mqtt.configure, which checks them');
      if (key === OPCUA_SETTINGS_KEY) throw new TypeError('key: the OPC UA settings are changed with opcua.configure, which checks them');
      if (key === PLANT_SETTINGS_KEY) throw new TypeError('key: the plant link settings are changed with plantLink.configure, which checks them');
      await settings.set(key, value);
      return true;
    },
  } satisfies ApiHandlers;
}

function requireSimulator(core: PlantCore) {
  if (!core.simulator) throw new ApiError('unavailable', 'the plant simulator is switched off in this installation');
  return core.simulator;
}
