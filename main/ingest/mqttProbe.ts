/**
 * "Test connection": connects once with settings the operator is editing, without saving them
 * and without ingesting anything, subscribes to their topic filters to learn whether the broker
 * grants them, then disconnects. Every failure comes back as one sentence naming the broker
 * and what went wrong (refused, not found, credentials, timeout, TLS), never as a thrown
 * stack; settings that do not pass validation still throw IngestConfigError naming the field.
 */
import mqtt from 'mqtt';
import type { MqttProbeResult } from '../../shared/api/statusTypes';
import { validateMqttSettings } from '../../shared/ingest/mqttSettings';
import { clientOptions } from './mqttOptions';

/** The longest a test may take, whatever connectTimeoutMs says: the operator is waiting. */
export const PROBE_TIMEOUT_MS = 10_000;

export async function probeMqtt(candidate: unknown, now: () => number = Date.now): Promise<MqttProbeResult> {
  const settings = validateMqttSettings(candidate);
  const timeoutMs = Math.min(settings.connectTimeoutMs, PROBE_TIMEOUT_MS);
  const options = { ...(await clientOptions(settings)), connectTimeout: timeoutMs, clientId: `plant-console-test-${Math.random().toString(16).slice(2, 10)}` };
  const started = now();
  const client = mqtt.connect(settings.url, options);
  const failed = (reason: string): MqttProbeResult => ({ ok: false, broker: settings.broker, reason, elapsedMs: now() - started });
  try {
    const outcome = await new Promise<'connected' | Error>((resolve) => {
      const timer = setTimeout(() => resolve(new Error('connack timeout')), timeoutMs + 500);
      client.once('connect', () => (clearTimeout(timer), resolve('connected')));
      client.once('error', (error) => (clearTimeout(timer), resolve(error)));
      client.once('close', () => (clearTimeout(timer), resolve(new Error('closed'))));
    });
    if (outcome !== 'connected') return failed(describeFailure(settings.broker, outcome, timeoutMs));
    const filters = Object.fromEntries(settings.topics.map((filter) => [filter, { qos: settings.qos }]));
    const granted = await client.subscribeAsync(filters).catch((error: Error) => error);
    if (granted instanceof Error) return failed(`${settings.broker} accepted the connection but the subscription failed: ${granted.message}.`);
    const refused = granted.filter((grant) => grant.qos === 128).map((grant) => grant.topic);
    return { ok: true, broker: settings.broker, topics: settings.topics, refusedTopics: refused, elapsedMs: now() - started };
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}

/** One sentence for the operator, from what the client or the socket reported. */
export function describeFailure(broker: string, error: Error & { code?: unknown }, timeoutMs: number): string {
  const code = error.code;
  if (code === 'ECONNREFUSED') return `${broker} refused the connection: nothing listens on that port, or a firewall rejects it.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${broker}: the host name could not be found.`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${broker} cannot be reached from this machine.`;
  if (code === 'ECONNRESET' || error.message === 'closed') return `${broker} closed the connection before accepting it (a TLS or protocol mismatch?).`;
  if (code === 4 || code === 134) return `${broker} refused the user name or password.`;
  if (code === 5 || code === 135) return `${broker} refused the connection: not authorized (check the user name and password).`;
  if (error.message === 'connack timeout') return `${broker} did not answer within ${Math.round(timeoutMs / 1000)} s.`;
  if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) return `${broker}: the TLS handshake failed (${error.message}).`;
  return `${broker}: ${error.message.replace(/\.$/, '')}.`;
}
