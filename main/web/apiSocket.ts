/**
 * One browser-mode client: a WebSocket on /api carrying the API contract. The socket is let
 * in only from the host's own origin and with the per-run token (in the address's `token`
 * query parameter, or as the first message `{ token }`); anything else is closed with a
 * reason that says why.
 *
 * Messages: `{ id, method, args }` in, `{ id, envelope }` out, in whatever order calls
 * finish; pushes go out as they come (`{ channel: 'push:events', … }`). A message that is
 * not JSON, too large, or of the wrong shape is answered with an error envelope (with
 * `id: null` when it had no usable id) and the connection stays open. A publishBatch sent
 * with `compact: true` is answered, when it succeeds, with `{ id, compact }`: only what the
 * stored events hold beyond the request (shared/api/compactReply.ts). A publishBatch may carry
 * the fields all its events share once, as `shared` (shared/api/sharedFields.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { compactStored } from '../../shared/api/compactReply';
import { spreadShared } from '../../shared/api/sharedFields';
import type { Envelope } from '../../shared/api/contract';
import type { Dispatch } from '../api/dispatch';
import type { PushHub } from '../core/pushHub';
import { CallQueue, type FlowControl } from './callQueue';
import { sameSecret } from '../platform/secret';

/** Larger messages are refused (the socket library closes beyond twice this). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Calls one client may have running or waiting at once. */
export const MAX_CALLS_IN_FLIGHT = 1_000;
/** How long a socket without a token in its address has to send `{ token }`. */
export const AUTH_TIMEOUT_MS = 5_000;

/** Close code for a policy violation (RFC 6455). */
export const POLICY_VIOLATION = 1008;

/** What this module needs of a socket (a `ws` WebSocket has it; tests give fakes). */
export interface ApiSocket extends FlowControl {
  send(text: string): void;
  close(code: number, reason: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export interface UpgradeRequest {
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export type UpgradeCheck = { readonly ok: true; readonly tokenGiven: boolean } | { readonly ok: false; readonly reason: string };

/** Checks a new /api socket's Origin, Host and (when given in the address) token. */
export function checkApiUpgrade(request: UpgradeRequest, expected: { readonly origin: string; readonly token: string }): UpgradeCheck {
  const origin = request.headers.origin;
  if (origin !== expected.origin) return { ok: false, reason: `origin ${origin ?? '(none)'} is not allowed` };
  if (`http://${request.headers.host ?? ''}` !== expected.origin) return { ok: false, reason: `host ${request.headers.host ?? '(none)'} is not this host` };
  const token = new URL(request.url ?? '/', expected.origin).searchParams.get('token');
  if (token === null) return { ok: true, tokenGiven: false };
  return sameSecret(token, expected.token) ? { ok: true, tokenGiven: true } : { ok: false, reason: 'wrong token' };
}

export interface ApiSocketOptions {
  readonly clientId: string;
  readonly dispatch: Dispatch;
  readonly pushes: Pick<PushHub, 'connect' | 'disconnect'>;
  readonly token: string;
  /** True when the address already carried the right token. */
  readonly authenticated: boolean;
  readonly authTimeoutMs?: number;
  /** Told once the socket has proved who it is (its frame limit can then be raised). */
  readonly onAuthenticated?: () => void;
}

type Incoming =
  | { readonly ok: true; readonly id: number; readonly method: string; readonly args: unknown[]; readonly compact: boolean }
  | { readonly ok: false; readonly id: number | null; readonly problem: string };

/** The one method whose answer may come compact. */
const COMPACT_METHOD = 'events.publishBatch';

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Checks one call message's shape. */
export function parseCall(text: string): Incoming {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_MESSAGE_BYTES) return { ok: false, id: null, problem: `message of ${bytes} bytes is over the limit of ${MAX_MESSAGE_BYTES} bytes` };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    return { ok: false, id: null, problem: `message is not JSON (${(error as Error).message})` };
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return { ok: false, id: null, problem: 'message: must be an object { id, method, args }' };
  const { id, method, args, compact, shared } = message as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { ok: false, id: null, problem: 'message.id: must be a whole number of at least 0' };
  if (typeof method !== 'string' || method.length === 0) return { ok: false, id, problem: 'message.method: must be a method name' };
  if (args !== undefined && !Array.isArray(args)) return { ok: false, id, problem: 'message.args: must be a list' };
  if (compact !== undefined && compact !== true) return { ok: false, id, problem: 'message.compact: must be true when given' };
  if (compact && method !== COMPACT_METHOD) return { ok: false, id, problem: `message.compact: only ${COMPACT_METHOD} answers compact` };
  if (shared !== undefined) {
    if (method !== COMPACT_METHOD) return { ok: false, id, problem: `message.shared: only ${COMPACT_METHOD} takes shared fields` };
    // Back into every event before the contract checks them, which then names what is wrong as in a full request.
    const problem = spreadShared((args as unknown[] | undefined)?.[0], shared);
    if (problem) return { ok: false, id, problem };
  }
  return { ok: true, id, method, args: args ?? [], compact: compact === true };
}

const failure = (code: string, message: string): Envelope<never> => ({ ok: false, error: { code, message } });

export function serveApiSocket(socket: ApiSocket, options: ApiSocketOptions): void {
  const { clientId, dispatch, pushes } = options;
  let open = true;
  let authenticated = false;
  const calls = new CallQueue(socket);
  const send = (message: unknown) => open && socket.send(JSON.stringify(message));
  const shut = (reason: string) => {
    if (open) socket.close(POLICY_VIOLATION, reason);
    open = false;
  };

  const authenticate = () => {
    authenticated = true;
    options.onAuthenticated?.();
    // Each push's text is built from the JSON its batches share with every other client.
    pushes.connect(clientId, (_push, text) => open && socket.send(text()));
  };
  let authTimer: ReturnType<typeof setTimeout> | undefined;
  if (options.authenticated) authenticate();
  else authTimer = setTimeout(() => shut('no token: open the address the host printed'), options.authTimeoutMs ?? AUTH_TIMEOUT_MS);

  socket.on('close', () => {
    open = false;
    calls.stop();
    clearTimeout(authTimer);
    if (authenticated) pushes.disconnect(clientId);
  });

  socket.on('message', (data, isBinary) => {
    if (!open) return;
    if (isBinary) return send({ id: null, envelope: failure('bad-message', 'binary messages are not accepted: send JSON text') });
    const text = toText(data);
    if (!authenticated) {
      clearTimeout(authTimer);
      let token: unknown;
      try {
        token = (JSON.parse(text) as { token?: unknown } | null)?.token;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || !sameSecret(token, options.token)) return shut('wrong or missing token');
      authenticate();
      return send({ kind: 'authenticated' });
    }
    const call = parseCall(text);
    if (!call.ok) return send({ id: call.id, envelope: failure('bad-message', call.problem) });
    if (calls.size >= MAX_CALLS_IN_FLIGHT) {
      return send({ id: call.id, envelope: failure('overloaded', `too many calls at once: at most ${MAX_CALLS_IN_FLIGHT} per connection`) });
    }
    calls.add(async () => {
      // The arguments come from this message's own JSON.parse: the contract may check them in place.
      const envelope = await dispatch(call.method, call.args, { clientId }, true);
      // The dispatcher checked the request: a list of events, one stored event for each.
      const rows = (value: unknown) => value as Record<string, unknown>[];
      send(call.compact && envelope.ok ? { id: call.id, compact: compactStored(rows(call.args[0]), rows(envelope.value)) } : { id: call.id, envelope });
    });
  });
}
