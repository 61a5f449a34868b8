/**
 * A journal line's hashed text (shared/audit/exportFormat.ts hashedLineOf), written straight
 * into the journal's buffer as bytes. Built as a string, a line cost about a third of the
 * host's allocation per event (a string for every member, the joined text, its flat copy for
 * encoding); here only the objects' key lists and the text of numbers that are not integers
 * are made. Only text that JSON writes as itself (ASCII without control characters, `"` or
 * `\`) is taken: anything else gives up, and the caller builds that line as a string, as
 * before, so the bytes are always those of `hashedLineOf`.
 */
import { canonicalKeys, jsonNumber } from '../../shared/audit/canonical';
import type { StoredEvent } from '../../shared/events/event';

/** Why a write gave up: the buffer has no room left, or a value needs the string path. */
export type GaveUp = 'room' | 'text';

/** Thrown inside the writer and caught at its top: the text path's errors stay the text path's. */
class GiveUp {
  constructor(readonly why: GaveUp) {}
}
const NO_ROOM = new GiveUp('room');
const NOT_PLAIN = new GiveUp('text');

/** Held between writes instead of the journal's buffer. */
const NO_BYTES = new Uint8Array(0);
const QUOTE = 0x22;
/** 1 for the ASCII code units JSON does not write as themselves: control characters, `"` and `\`. */
const ESCAPED = new Uint8Array(128).map((_, code) => (code < 0x20 || code === QUOTE || code === 0x5c ? 1 : 0));
const COMMA = 0x2c;
const COLON = 0x3a;

export class HashedLineWriter {
  /** Where the members before "hash", the middle and the tail start, from the text's start (hashedLineOf's offsets). */
  headAt = 0;
  middleAt = 0;
  tailAt = 0;
  /** Where the text ends in the buffer. */
  end = 0;
  private bytes: Uint8Array = NO_BYTES;
  private at = 0;

  /** Writes the hashed text of `event` after `prevHash` into `bytes` from `from`; null when done, else why it gave up. */
  write(bytes: Uint8Array, from: number, event: StoredEvent, prevHash: string): GaveUp | null {
    this.bytes = bytes;
    this.at = from;
    try {
      this.raw(prevHash);
      this.byte(0x7b); // {
      this.headAt = prevHash.length + 1;
      // The members before "hash" each end with their comma, and the middle follows them.
      if (event.causationId !== undefined) this.textMember('causationId', event.causationId, false);
      if (event.correlationId !== undefined) this.textMember('correlationId', event.correlationId, this.at - from > this.headAt);
      if (this.at - from > this.headAt) this.byte(COMMA);
      this.middleAt = this.at - from;
      this.textMember('id', event.id, false);
      this.member('metadata', event.metadata);
      this.member('payload', event.payload);
      this.byte(COMMA);
      this.tailAt = this.at - from;
      this.textMember('priority', event.priority, false);
      // The string path writes seq with `${seq}`: the same digits for any safe integer.
      if (!Number.isSafeInteger(event.seq)) throw NOT_PLAIN;
      this.member('seq', event.seq);
      this.textMember('source', event.source, true);
      this.textMember('status', event.status, true);
      if (event.hash !== undefined) this.textMember('storeHash', event.hash, true);
      if (event.subject !== undefined) this.textMember('subject', event.subject, true);
      this.member('timestamp', event.timestamp);
      this.textMember('type', event.type, true);
      this.byte(0x7d); // }
      this.end = this.at;
      return null;
    } catch (error) {
      if (error instanceof GiveUp) return error.why;
      throw error;
    } finally {
      this.bytes = NO_BYTES;
    }
  }

  private byte(value: number): void {
    if (this.at >= this.bytes.length) throw NO_ROOM;
    this.bytes[this.at++] = value;
  }

  /** ASCII text as it is (hex digits, a number's text). */
  private raw(text: string): void {
    const count = text.length;
    let at = this.at;
    if (at + count > this.bytes.length) throw NO_ROOM;
    const bytes = this.bytes;
    for (let i = 0; i < count; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) throw NOT_PLAIN;
      bytes[at++] = code;
    }
    this.at = at;
  }

  /** A string that JSON writes as itself, in quotes; any other gives up. */
  private string(text: string): void {
    let at = this.at;
    if (at + text.length + 2 > this.bytes.length) throw NO_ROOM;
    this.bytes[at++] = QUOTE;
    at = this.plain(text, at);
    this.bytes[at++] = QUOTE;
    this.at = at;
  }

  /** `"key":`, after a comma when `comma`. */
  private key(key: string, comma: boolean): void {
    let at = this.at;
    if (at + key.length + 4 > this.bytes.length) throw NO_ROOM;
    const bytes = this.bytes;
    if (comma) bytes[at++] = COMMA;
    bytes[at++] = QUOTE;
    at = this.plain(key, at);
    bytes[at++] = QUOTE;
    bytes[at++] = COLON;
    this.at = at;
  }

  /** The characters of `text` from `at` (the caller made room), or gives up at one that JSON escapes or that is not ASCII. */
  private plain(text: string, at: number): number {
    const bytes = this.bytes;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f || ESCAPED[code] === 1) throw NOT_PLAIN;
      bytes[at++] = code;
    }
    return at;
  }

  /** `,"key":value` (the comma left out for an object's first member). */
  private member(key: string, value: unknown, comma = true): void {
    this.key(key, comma);
    this.value(value);
  }

  /** A member that hashedLineOf writes as a string (`jsonString`), whatever it holds. */
  private textMember(key: string, value: unknown, comma: boolean): void {
    if (typeof value !== 'string') throw NOT_PLAIN;
    this.key(key, comma);
    this.string(value);
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        return this.number(value);
      case 'boolean':
        return this.raw(value ? 'true' : 'false');
      case 'object':
        if (value === null) return this.raw('null');
        if (Array.isArray(value)) return this.array(value);
        return this.object(value as Record<string, unknown>);
      default:
        throw NOT_PLAIN;
    }
  }

  /** Integers digit by digit, in plain decimal as canonical.ts writes them; other numbers by jsonNumber. */
  private number(value: number): void {
    if (!Number.isSafeInteger(value)) {
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      return this.raw(jsonNumber(value));
    }
    // -0 is written 0, as JSON.stringify writes it.
    if (value < 0) {
      this.byte(0x2d); // -
      value = -value;
    }
    if (value < 1e9) return this.digits(value, 0);
    // Above 32 bits as two halves of at most nine digits (canonical.ts jsonNumber): no double arithmetic per digit.
    const low = value % 1e9;
    this.digits((value - low) / 1e9, 0);
    this.digits(low, 9);
  }

  /** The decimal digits of `value` (below 1e9), at least `least` of them (zeros in front). */
  private digits(value: number, least: number): void {
    let count = 1;
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) count++;
    if (count < least) count = least;
    let at = this.at + count;
    if (at > this.bytes.length) throw NO_ROOM;
    const bytes = this.bytes;
    this.at = at;
    for (let i = 0; i < count; i++) {
      const next = (value / 10) | 0;
      bytes[--at] = 0x30 + value - next * 10;
      value = next;
    }
  }

  private array(items: readonly unknown[]): void {
    this.byte(0x5b); // [
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === undefined) throw NOT_PLAIN;
      if (i > 0) this.byte(COMMA);
      this.value(item);
    }
    this.byte(0x5d); // ]
  }

  private object(record: Record<string, unknown>): void {
    const proto: unknown = Object.getPrototypeOf(record);
    if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
    this.byte(0x7b); // {
    const keys = canonicalKeys(Object.keys(record));
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const member = record[key];
      if (member === undefined) continue;
      this.member(key, member, !first);
      first = false;
    }
    this.byte(0x7d); // }
  }
}
