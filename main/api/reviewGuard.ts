/**
 * Review mode at the API: every method that would write to the history or start a feed is
 * refused in one sentence naming it. Methods not listed only read; should one write anyway,
 * the read-only store refuses it (main/core/reviewMode.ts).
 */
import type { MethodName } from '../../shared/api/contract';
import { ReviewModeError } from '../core/reviewMode';
import type { ApiHandlers } from './apiHandlers';

const WRITES: Readonly<Partial<Record<MethodName, string>>> = {
  'events.publish': 'publishing an event',
  'events.publishBatch': 'publishing events',
  'deadLetters.redrive': 'redriving dead letters',
  'deadLetters.discard': 'discarding dead letters',
  'alarms.acknowledge': 'acknowledging alarms',
  'alarms.shelve': 'shelving alarms',
  'alarms.unshelve': 'unshelving alarms',
  'alarms.suppress': 'suppressing alarms',
  'alarms.unsuppress': 'unsuppressing alarms',
  'rules.create': 'creating an alarm rule',
  'rules.update': 'changing an alarm rule',
  'rules.delete': 'deleting an alarm rule',
  'simulator.setRate': 'running the plant simulator',
  'simulator.resume': 'running the plant simulator',
  'mqtt.configure': 'connecting to an MQTT broker',
  'opcua.configure': 'connecting to an OPC UA server',
  'plantLink.configure': 'connecting to the plant link',
  'opcua.trustCertificate': 'trusting an OPC UA server certificate',
  'import.start': 'importing events',
  'audit.import': 'importing an audit log',
};

export function refuseWrites(handlers: ApiHandlers): ApiHandlers {
  const guarded: Record<string, unknown> = { ...handlers };
  for (const [method, what] of Object.entries(WRITES)) guarded[method] = () => Promise.reject(new ReviewModeError(what));
  return guarded as ApiHandlers;
}
