/**
 * From checked plant-link settings to a NATS connection: the client's options (credentials,
 * TLS files, the NKey seed read from its file at connect time), and every way a connection
 * can fail put into one sentence for the operator. The sentences name the server and the
 * setting to check, never a secret.
 */
import { readFile } from 'node:fs/promises';
import { connect, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { PlantLinkSettings } from './plantSettings';

export class PlantConnectError extends Error {
  override readonly name = 'PlantConnectError';
}

export async function connectionOptions(settings: PlantLinkSettings, connectTimeoutMs: number): Promise<NodeConnectionOptions> {
  const options: NodeConnectionOptions = {
    servers: [...settings.servers],
    name: `plant-console-${settings.station}`,
    timeout: connectTimeoutMs,
    // Once connected, the client keeps trying for ever; the link reports the state meanwhile.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    // A lost link shows within seconds, not after the default two minutes.
    pingInterval: 5_000,
    maxPingOut: 2,
    // The client otherwise makes two Error objects (with stacks) per request, publish acks
    // included: a fifth of the outbox's CPU. The link's messages name the operation itself.
    noAsyncTraces: true,
  };
  if (settings.user !== undefined) {
    options.user = settings.user;
    if (settings.password !== undefined) options.pass = settings.password;
  }
  if (settings.token !== undefined) options.token = settings.token;
  if (settings.nkeySeedFile !== undefined) {
    const seed = (await readSetting(settings.nkeySeedFile, '--plant-nkey-seed-file')).toString('utf8').trim();
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  const tls = settings.tls;
  if (tls || settings.servers.some((server) => server.startsWith('tls://'))) {
    // The files are read here so that a missing one is named; the client takes their contents.
    options.tls = {
      ...(tls?.caFile ? { ca: (await readSetting(tls.caFile, '--plant-tls-ca')).toString('utf8') } : {}),
      ...(tls?.certFile ? { cert: (await readSetting(tls.certFile, '--plant-tls-cert')).toString('utf8') } : {}),
      ...(tls?.keyFile ? { key: (await readSetting(tls.keyFile, '--plant-tls-key')).toString('utf8') } : {}),
    };
  }
  return options;
}

async function readSetting(path: string, option: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new PlantConnectError(`${option}: the file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

/** Connects once; a failure is a PlantConnectError saying in one sentence what went wrong. */
export async function connectPlant(settings: PlantLinkSettings, connectTimeoutMs = 5_000): Promise<NatsConnection> {
  const options = await connectionOptions(settings, connectTimeoutMs);
  try {
    return await connect(options);
  } catch (error) {
    throw new PlantConnectError(describeConnectError(error, settings, connectTimeoutMs));
  }
}

const TLS_TRUST = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

export function describeConnectError(error: unknown, settings: PlantLinkSettings, connectTimeoutMs: number): string {
  const where = settings.servers.join(', ');
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string } } | null;
  const code = e?.code ?? e?.cause?.code ?? '';
  const message = e?.message ?? String(error);
  if (e?.name === 'AuthorizationError' || /authorization violation/i.test(message)) {
    return `${where} refused to sign this station in (authorization violation): check the user name and password, the token or the NKey seed.`;
  }
  if (TLS_TRUST.has(code)) return `TLS with ${where} failed: the server's certificate is not signed by a trusted CA (${message}); give the plant's CA with --plant-tls-ca.`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS with ${where} failed: the server's certificate is not made out to that host name (${message}).`;
  if (code === 'CERT_HAS_EXPIRED') return `TLS with ${where} failed: the server's certificate has expired.`;
  if (/ECONNREFUSED|connection refused/i.test(`${code} ${message}`)) return `${where} refused the connection: no NATS server listens there, or a firewall rejects it.`;
  if (e?.name === 'TimeoutError' || /timeout/i.test(message)) {
    const hint = settings.tls?.certFile ? '' : ' (a server that requires a client certificate closes the connection without one: give --plant-tls-cert and --plant-tls-key)';
    return `${where} did not complete the connection within ${Math.round(connectTimeoutMs / 1000)} s${hint}.`;
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(`${code} ${message}`)) return `${where}: the host name cannot be resolved.`;
  return `connecting to ${where} failed: ${message.slice(0, 300)}.`;
}
