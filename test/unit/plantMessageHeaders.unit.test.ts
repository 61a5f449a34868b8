// The station reads a stream message's id and station headers from the header bytes
// (main/plant/messageHeaders.ts) instead of the client's decoded headers: it must read the same
// value the client's `headers.get` gives for any header block, on the client's own message class.
import type { JsMsg } from '@nats-io/jetstream';
import { MsgImpl } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { headerOf } from '../../main/plant/messageHeaders';

const body = Buffer.from('{"id":"x"}');

/** A delivered message as the client makes it (MsgImpl, in the JetStream message's `msg`), its bytes a Buffer or a plain array. */
function delivered(headerText: string | null, asBuffer = true): JsMsg {
  const head = headerText === null ? Buffer.alloc(0) : Buffer.from(headerText, 'utf8');
  const bytes = Buffer.concat([head, body]);
  const data = asBuffer ? bytes : Uint8Array.from(bytes);
  const msg = new MsgImpl({ subject: new TextEncoder().encode('plant.a.b'), sid: 1, hdr: headerText === null ? -1 : head.length, size: bytes.length }, data, undefined as never);
  return { msg, get headers() { return msg.headers; } } as unknown as JsMsg;
}

const blocks = [
  'NATS/1.0\r\nNats-Msg-Id: 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\r\nPlant-Station: line-1\r\n\r\n',
  'NATS/1.0\r\nPlant-Station:   spaced out \t \r\nNats-Msg-Id:id-1\r\n\r\n',
  'NATS/1.0\r\nPlant-Station: first\r\nPlant-Station: second\r\n\r\n',
  'NATS/1.0\r\nPlant-Station:\r\nNats-Msg-Id:    \r\n\r\n',
  'NATS/1.0\r\nplant-station: lower case\r\nPlant-Station-X: longer key\r\nX-Plant-Station: other\r\n\r\n',
  'NATS/1.0 503 No Responders\r\n\r\n',
  'NATS/1.0\r\nPlant-Station: Prüfstand Süd\r\nNats-Msg-Id: a:b:c\r\n\r\n',
  'NATS/1.0\r\n\r\n',
];

describe('a stream message’s headers read from its bytes', () => {
  for (const [i, block] of blocks.entries()) {
    it(`reads what the client reads, block ${i + 1}`, () => {
      for (const asBuffer of [true, false]) {
        const msg = delivered(block, asBuffer);
        for (const name of ['Nats-Msg-Id', 'Plant-Station']) expect(headerOf(msg, name)).toBe(msg.headers?.get(name) || null);
      }
    });
  }

  it('reads a value with a bare line feed in it, where the client’s decoding throws', () => {
    const msg = delivered('NATS/1.0\r\nPlant-Station: with\na bare line feed\r\n\r\n');
    expect(() => msg.headers).toThrow();
    expect(headerOf(msg, 'Plant-Station')).toBe('with\na bare line feed');
  });

  it('gives null for a message without headers', () => {
    expect(headerOf(delivered(null), 'Plant-Station')).toBeNull();
  });

  it('falls back to the decoded headers when a message is not the client’s own class', () => {
    const msg = { headers: { get: (name: string) => (name === 'Plant-Station' ? 'b' : '') } } as unknown as JsMsg;
    expect(headerOf(msg, 'Plant-Station')).toBe('b');
    expect(headerOf(msg, 'Nats-Msg-Id')).toBeNull();
  });
});
