/**
 * From checked MQTT settings to the `mqtt` client's options: reads the TLS files named in
 * the settings (a file that cannot be read is reported against its setting) and leaves
 * reconnection to `MqttIngest`, which backs off exponentially.
 */
import { readFile } from 'node:fs/promises';
import type { IClientOptions } from 'mqtt';
import { IngestConfigError } from '../../shared/ingest/errors';
import type { ValidMqttSettings } from '../../shared/ingest/mqttSettings';
import { hostWill } from './sparkplug/hostState';

/**
 * mqtt.js logs every packet it reads or writes through `debug`, which costs a call with its
 * arguments gathered even when nothing is printed: about 1 µs per message on the ingest path.
 * Unless DEBUG asks for some debug output, its log is left silent; with DEBUG set mqtt.js
 * keeps its own (DEBUG=mqttjs* still shows the packets).
 */
const silentLog = (): void => undefined;

export async function clientOptions(settings: ValidMqttSettings): Promise<IClientOptions> {
  const options: IClientOptions = {
    reconnectPeriod: 0,
    connectTimeout: settings.connectTimeoutMs,
    keepalive: settings.keepaliveSeconds,
    clean: true,
    resubscribe: false,
    clientId: settings.clientId ?? `plant-console-${Math.random().toString(16).slice(2, 10)}`,
  };
  if (!process.env.DEBUG) options.log = silentLog;
  if (settings.sparkplug?.hostId) options.will = hostWill(settings.sparkplug.hostId);
  if (settings.username !== undefined) options.username = settings.username;
  if (settings.password !== undefined) options.password = settings.password;
  const { caFile, certFile, keyFile, rejectUnauthorized } = settings.tls;
  if (caFile !== undefined) options.ca = await readPem(caFile, 'tls.caFile');
  if (certFile !== undefined) options.cert = await readPem(certFile, 'tls.certFile');
  if (keyFile !== undefined) options.key = await readPem(keyFile, 'tls.keyFile');
  if (rejectUnauthorized !== undefined) options.rejectUnauthorized = rejectUnauthorized;
  return options;
}

async function readPem(path: string, field: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new IngestConfigError(field, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}: ${path})`);
  }
}
