/**
 * The store hash (chain.ts) computed without building its text: the previous hash and the
 * canonical JSON of the event's chain form are written as UTF-8 straight into one reused
 * buffer, which is then hashed in place. The same bytes as UTF-8(prevHash + chainText(event)),
 * so the same hashes (a unit test checks it on random events).
 *
 * The store host appends with it: building chainText made about 1.7 KB of short-lived strings
 * per event (every `+=` a new string), and handing that text to TextEncoder copied it once more
 * outside the JavaScript heap. Node processes keep storeHashOf (node:crypto hashes text faster
 * than this file's JavaScript SHA-256 hashes bytes).
 */
import type { StoredEvent } from '../events/event';
import { canonicalJson, canonicalLayoutFor, jsonNumber } from './canonical';
import { sha256HexInPlace } from './sha256';

type ChainInput = Pick<StoredEvent, 'id' | 'type' | 'source' | 'timestamp' | 'payload' | 'priority' | 'metadata' | 'correlationId' | 'causationId' | 'seq'>;

/** A code unit that JSON.stringify does not write as itself (canonical.ts NEEDS_ESCAPE). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Thrown by the writer for what is not JSON; canonicalJson then names the offending path. */
const NOT_JSON = new Error('not JSON');

/** The chain form's member heads, in canonical (sorted) order. */
const HEADS = ['{"causationId":', '"correlationId":', '"id":', ',"metadata":', ',"payload":', ',"priority":', ',"seq":', ',"source":', ',"timestamp":', ',"type":'];

export class ChainHasher {
  private bytes = new Uint8Array(16_384);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  /** The store hash of `event` after `prevHash`: storeHashOf's result. */
  next(prevHash: string, event: ChainInput): string {
    this.length = 0;
    this.text(prevHash);
    try {
      this.members(event);
    } catch (error) {
      // The text way gives storeHashOf's error, which names what is not JSON.
      if (error === NOT_JSON) {
        canonicalJson(event.metadata);
        canonicalJson(event.payload);
      }
      throw error;
    }
    // SHA-256 pads in place: at most 72 bytes past the text.
    this.room(72);
    return sha256HexInPlace(this.bytes, this.view, this.length);
  }

  private members(event: ChainInput): void {
    if (event.causationId !== undefined) {
      this.text(HEADS[0]!);
      this.loose(event.causationId);
      this.text(',');
    } else {
      this.text('{');
    }
    if (event.correlationId !== undefined) {
      this.text(HEADS[1]!);
      this.loose(event.correlationId);
      this.text(',');
    }
    this.text(HEADS[2]!);
    this.loose(event.id);
    this.text(HEADS[3]!);
    this.value(event.metadata);
    this.text(HEADS[4]!);
    this.value(event.payload);
    this.text(HEADS[5]!);
    this.loose(event.priority);
    this.text(HEADS[6]!);
    this.number(event.seq);
    this.text(HEADS[7]!);
    this.loose(event.source);
    this.text(HEADS[8]!);
    this.number(event.timestamp);
    this.text(HEADS[9]!);
    this.loose(event.type);
    this.text('}');
  }

  /** A field chainText writes as JSON.stringify does when it is not a string. */
  private loose(value: unknown): void {
    if (typeof value === 'string') this.string(value);
    else this.text(`${JSON.stringify(value)}`);
  }

  /** A field chainText writes through canonicalJson when it is not a finite number. */
  private number(value: unknown): void {
    if (typeof value === 'number' && Number.isFinite(value)) this.text(jsonNumber(value));
    else this.text(canonicalJson(value));
  }

  /** canonical.ts's fast writer, into bytes. */
  private value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        if (!Number.isFinite(value)) throw NOT_JSON;
        return this.text(jsonNumber(value));
      case 'boolean':
        return this.text(value ? 'true' : 'false');
      case 'object': {
        if (value === null) return this.text('null');
        if (Array.isArray(value)) return this.array(value);
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
        return this.object(value as Record<string, unknown>);
      }
      default:
        throw NOT_JSON;
    }
  }

  private array(array: readonly unknown[]): void {
    this.text('[');
    for (let i = 0; i < array.length; i++) {
      const item: unknown = array[i];
      if (item === undefined) throw NOT_JSON;
      if (i > 0) this.text(',');
      this.value(item);
    }
    this.text(']');
  }

  private object(record: Record<string, unknown>): void {
    const keys = Object.keys(record);
    if (keys.length === 0) return this.text('{}');
    const { sorted, heads } = canonicalLayoutFor(keys);
    this.text('{');
    const start = this.length;
    for (let i = 0; i < sorted.length; i++) {
      const member = record[sorted[i]!];
      if (member === undefined) continue;
      if (this.length > start) this.text(',');
      this.text(heads[i]!);
      this.value(member);
    }
    this.text('}');
  }

  private string(value: string): void {
    if (NEEDS_ESCAPE.test(value)) return this.text(JSON.stringify(value));
    this.text('"');
    this.text(value);
    this.text('"');
  }

  /** Makes room for `count` more bytes. */
  private room(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.length + count, this.bytes.length * 2));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
    this.view = new DataView(bigger.buffer);
  }

  /** Appends `text` as UTF-8 (a lone surrogate as U+FFFD, as TextEncoder writes it). */
  private text(text: string): void {
    const count = text.length;
    this.room(count * 3);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < count; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) {
        bytes[at++] = unit;
      } else if (unit < 0x800) {
        bytes[at++] = 0xc0 | (unit >> 6);
        bytes[at++] = 0x80 | (unit & 63);
      } else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < count && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        const point = 0x10000 + ((unit - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
        bytes[at++] = 0xf0 | (point >> 18);
        bytes[at++] = 0x80 | ((point >> 12) & 63);
        bytes[at++] = 0x80 | ((point >> 6) & 63);
        bytes[at++] = 0x80 | (point & 63);
      } else {
        const point = unit >= 0xd800 && unit < 0xe000 ? 0xfffd : unit;
        bytes[at++] = 0xe0 | (point >> 12);
        bytes[at++] = 0x80 | ((point >> 6) & 63);
        bytes[at++] = 0x80 | (point & 63);
      }
    }
    this.length = at;
  }
}
