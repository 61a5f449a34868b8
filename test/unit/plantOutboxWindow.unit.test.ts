// The outbox's window of publishes in flight (main/plant/publishWindow.ts) and its memory of
// what it sent (main/plant/echoes.ts): acknowledgements in any order move the saved position
// only over the acknowledged prefix, a failed publish is sent again before anything newer,
// and a message counts as this station's own only when its bytes are exactly what was sent.
import { describe, expect, it } from 'vitest';
import { Echoes } from '../../main/plant/echoes';
import { PublishWindow, type WindowEntry } from '../../main/plant/publishWindow';
import type { StoredEvent } from '../../shared/events/event';

const event = (seq: number) => ({ id: `e-${seq}`, seq }) as unknown as StoredEvent;

function windowOf(limit: number, seqs: readonly number[]): PublishWindow {
  const window = new PublishWindow(limit);
  for (const seq of seqs) window.add(event(seq));
  return window;
}

function takeAll(window: PublishWindow): WindowEntry[] {
  const taken: WindowEntry[] = [];
  for (let entry = window.take(); entry; entry = window.take()) taken.push(entry);
  return taken;
}

describe('the window of publishes in flight', () => {
  it('keeps at most its limit unacknowledged on the wire, and sends the next as each is acknowledged', () => {
    const window = windowOf(3, [1, 2, 3, 4, 5]);
    const first = takeAll(window);
    expect(first.map((e) => e.event.seq)).toEqual([1, 2, 3]);
    expect(window.inFlight).toBe(3);
    window.acked(first[1]!);
    expect(takeAll(window).map((e) => e.event.seq)).toEqual([4]);
    expect(window.unacked).toBe(4);
  });

  it('moves the position only over the acknowledged prefix, whatever order the acknowledgements come in', () => {
    // Seqs 1..6 with gaps: events of the log that are not ours to send (3) are never in the window.
    const window = windowOf(10, [1, 2, 4, 5, 6]);
    const [e1, e2, e4, e5, e6] = takeAll(window) as [WindowEntry, WindowEntry, WindowEntry, WindowEntry, WindowEntry];
    expect(window.position(6)).toBe(0);
    expect(window.acked(e5)).toBe(false);
    expect(window.acked(e2)).toBe(false);
    expect(window.position(6)).toBe(0);
    expect(window.acked(e1)).toBe(true);
    // 1 and 2 are acknowledged; 4 is not, so the position stops before it.
    expect(window.position(6)).toBe(3);
    window.acked(e4);
    expect(window.position(6)).toBe(5);
    window.acked(e6);
    expect(window.position(6)).toBe(6);
    expect(window.unacked).toBe(0);
  });

  it('sends a failed publish again before anything newer, and never counts an acknowledgement twice', () => {
    const window = windowOf(2, [1, 2, 3]);
    const [e1, e2] = takeAll(window) as [WindowEntry, WindowEntry];
    window.failed(e1);
    window.acked(e2);
    window.acked(e2);
    expect(window.unacked).toBe(2);
    expect(takeAll(window).map((e) => e.event.seq)).toEqual([1, 3]);
    expect(window.position(3)).toBe(0);
  });

  it('stays correct across the compaction of a long run of acknowledged entries', () => {
    const seqs = Array.from({ length: 5_000 }, (_, i) => i + 1);
    const window = windowOf(512, seqs);
    let acked = 0;
    while (acked < seqs.length) {
      const taken = takeAll(window);
      // Acknowledged back to front: the prefix moves once per round, by the whole round.
      for (const entry of [...taken].reverse()) window.acked(entry);
      acked += taken.length;
      expect(window.position(5_000)).toBe(acked);
    }
    expect(window.unacked).toBe(0);
  });
});

describe('what the station sent, to know its own events coming back', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('recognises a body only byte for byte and only once', () => {
    const echoes = new Echoes();
    echoes.sent('e-1', bytes('{"id":"e-1","n":1}'));
    expect(echoes.take('e-1', bytes('{"id":"e-1","n":2}'))).toBe(false);
    expect(echoes.take('e-2', bytes('{"id":"e-1","n":1}'))).toBe(false);
    expect(echoes.take(null, bytes('{"id":"e-1","n":1}'))).toBe(false);
    // A view into a larger buffer, as the client hands messages over.
    const frame = bytes('xx{"id":"e-1","n":1}yy');
    expect(echoes.take('e-1', frame.subarray(2, frame.length - 2))).toBe(true);
    expect(echoes.take('e-1', bytes('{"id":"e-1","n":1}'))).toBe(false);
  });

  it('forgets the oldest bodies first beyond its limit', () => {
    const echoes = new Echoes(2);
    for (const id of ['a', 'b', 'c']) echoes.sent(id, bytes(id));
    expect(echoes.size).toBe(2);
    expect(echoes.take('a', bytes('a'))).toBe(false);
    expect(echoes.take('c', bytes('c'))).toBe(true);
  });
});
