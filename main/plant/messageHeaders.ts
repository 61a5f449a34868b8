/**
 * One header of a delivered message, read straight from its header bytes
 * (`NATS/1.0\r\nName: value\r\n…\r\n\r\n`). The client's `msg.headers` decodes them all into
 * a Map of arrays first (text, lines, a canonical key and a checked value per header): about
 * 2 KB of garbage per message, a sixth of what the station allocates per event while it
 * catches up, for the two values it reads (the message id and the station).
 *
 * The bytes are the client's own (`MsgImpl`: `_rdata` holds headers and body, `_msg.hdr` is
 * where the body starts), which it does not export: when a message is not of that shape
 * (another client version), the value is read through `msg.headers` as before.
 */
import type { JsMsg } from '@nats-io/jetstream';

interface RawMsg {
  readonly _rdata?: unknown;
  readonly _msg?: { readonly hdr?: unknown };
}

const CR = 13;
const LF = 10;
const COLON = 58;
const decoder = new TextDecoder();

/** True when `data` holds `name` followed by ':' at `at`. */
function keyAt(data: Uint8Array, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (data[at + i] !== name.charCodeAt(i)) return false;
  return data[at + name.length] === COLON;
}

/** Where the line from `start` ends: at its CR LF (the client splits lines there alone), or at `end`. */
function lineEnd(data: Uint8Array, start: number, end: number): number {
  for (let at = data.indexOf(LF, start); at >= 0 && at < end; at = data.indexOf(LF, at + 1)) {
    if (at > start && data[at - 1] === CR) return at - 1;
  }
  return end;
}

/** A value's text, as UTF-8 (a Buffer, as the client's socket gives, decodes without a copy). */
function textOf(data: Uint8Array, start: number, end: number): string {
  return Buffer.isBuffer(data) ? data.toString('utf8', start, end) : decoder.decode(data.subarray(start, end));
}

/**
 * The first value of header `name` (exact, case-sensitive key; `name` is ASCII), trimmed, as
 * `msg.headers.get(name)` gives it; null when it is missing or empty.
 */
export function headerOf(msg: JsMsg, name: string): string | null {
  const raw = (msg as unknown as { msg?: RawMsg }).msg;
  const data = raw?._rdata;
  const hdr = raw?._msg?.hdr;
  if (!(data instanceof Uint8Array) || typeof hdr !== 'number') return msg.headers?.get(name) || null;
  // `hdr` is where the body starts (-1 without headers).
  const end = Math.min(hdr, data.length);
  if (end <= 0) return null;
  // The first line is the version (and a status); each further line one header.
  let start = lineEnd(data, 0, end) + 2;
  while (start < end) {
    const stop = lineEnd(data, start, end);
    if (start + name.length < stop && keyAt(data, start, name)) return textOf(data, start + name.length + 1, stop).trim() || null;
    start = stop + 2;
  }
  return null;
}
