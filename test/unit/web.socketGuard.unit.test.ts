// What the web host sends a client (main/web/socketGuard.ts boundedSender): the page reads
// text frames only, and a client's unread output is bounded in bytes, whatever characters
// the answers carry.
import { describe, expect, it } from 'vitest';
import { boundedSender, type BufferedSocket } from '../../main/web/socketGuard';

class FakeSocket implements BufferedSocket {
  bufferedAmount = 0;
  terminated = false;
  readonly frames: { text: string; binary: boolean }[] = [];

  send(data: Buffer, options: { readonly binary: false }): void {
    this.frames.push({ text: data.toString('utf8'), binary: options.binary });
    this.bufferedAmount += data.length;
  }

  terminate(): void {
    this.terminated = true;
  }
}

const limits = { maxBufferedBytes: 40, stallBytes: 1_000, stallMs: 60_000 };

describe('boundedSender', () => {
  it('sends each text as a text frame of its UTF-8 bytes, non-ASCII text included', () => {
    const socket = new FakeSocket();
    const send = boundedSender(socket, 'api socket-1', () => undefined, limits);
    send('{"note":"Überlast 温度 🏭"}');
    expect(socket.frames).toEqual([{ text: '{"note":"Überlast 温度 🏭"}', binary: false }]);
    expect(socket.bufferedAmount).toBe(Buffer.byteLength('{"note":"Überlast 温度 🏭"}'));
  });

  it('cuts a client off when its unread output would pass the limit in bytes, though not in characters', () => {
    const socket = new FakeSocket();
    const lines: string[] = [];
    const send = boundedSender(socket, 'api socket-2', (line) => lines.push(line), limits);
    send('温度'.repeat(5)); // 10 characters, 30 bytes
    expect(socket.terminated).toBe(false);
    send('温度'); // 2 characters, 6 bytes more: 36
    expect(socket.terminated).toBe(false);
    send('温度'); // 42 bytes in all: over the 40-byte limit
    expect(socket.terminated).toBe(true);
    expect(socket.frames).toHaveLength(2);
    expect(lines).toEqual(['api socket-2: disconnected, it does not read its answers (36 bytes waiting, limit 40)']);
  });
});
