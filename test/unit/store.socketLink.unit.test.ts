// The host's side of the store host's socket (main/platform/nodeSocketLink.ts): the page reads
// only text frames (renderer/bridge/links.ts drops binary ones), so every message must arrive
// as one text frame holding its JSON, whatever characters it carries.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { nodeSocketLink } from '../../main/platform/nodeSocketLink';

let server: WebSocketServer | undefined;

afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('nodeSocketLink', () => {
  it('sends each message as one text frame holding its JSON, non-ASCII text included', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const frames: { text: string; binary: boolean }[] = [];
    client.on('message', (data, isBinary) => frames.push({ text: String(data), binary: isBinary }));
    await once(client, 'open');
    const [socket] = await accepted;
    const link = nodeSocketLink(socket, 'store');
    const messages = [
      { kind: 'requests', requests: [{ id: 1, method: 'append', args: [[{ id: 'e-1', payload: { note: 'Überlast 温度 🏭', quote: '"\\' } }]] }] },
      { kind: 'ready' },
      { kind: 'requests', requests: [{ id: 2, method: 'get', args: ['x'.repeat(70_000)] }] },
    ];
    for (const message of messages) link.send(message);
    await expect.poll(() => frames.length).toBe(messages.length);
    expect(frames.map((frame) => frame.binary)).toEqual([false, false, false]);
    expect(frames.map((frame) => JSON.parse(frame.text) as unknown)).toEqual(messages);
    client.close();
  });
});
