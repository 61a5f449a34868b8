/**
 * The OPC UA bench's server, in a worker thread of the bench process: it changes every
 * variable on a fixed period, and on a core of its own, so that driving the server does not
 * take the event loop that the ingest and the store client measured beside it need.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TestOpcuaServer } from '../../test/support/opcuaServer';

const { equipment, readings, changeEveryMs } = workerData as { equipment: number; readings: number; changeEveryMs: number };
const server = await TestOpcuaServer.start({
  equipment: Array.from({ length: equipment }, (_, i) => `eq-${i}`),
  readings: Array.from({ length: readings }, (_, i) => `r${i}`),
});
let counter = 0;
/** Values set so far: what the server really offered, which a loaded machine may keep below the nominal rate. */
let made = 0;
const driver = setInterval(() => {
  counter++;
  for (const nodeId of server.nodeIds) server.setValue(nodeId, counter);
  made += server.nodeIds.length;
}, changeEveryMs);
parentPort?.postMessage({ endpointUrl: server.endpointUrl, nodeIds: server.nodeIds });
parentPort?.on('message', (message) => {
  if (message === 'count') parentPort?.postMessage({ made, at: performance.now() });
  if (message !== 'stop') return;
  clearInterval(driver);
  void server.dispose().then(() => parentPort?.postMessage('stopped'));
});
