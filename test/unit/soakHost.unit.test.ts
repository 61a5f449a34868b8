import { describe, expect, test } from 'vitest';
import { HOST_V8_FLAGS } from '../../main/platform/hostHeap';
import { residentByKind } from '../../build/bench/smaps';
import { hostChildEnv, hostControl, hostMessage, hostRequest, parseMessage, webNodeOptions, type HostMemory } from '../../build/bench/soakControl';
import { HostMemoryTrail } from '../../build/bench/soakMemory';

const MB = 1024 * 1024;

describe("the soak host's control channel", () => {
  test('the host child is started with the Node options of npm run web', () => {
    expect(webNodeOptions()).toEqual(expect.arrayContaining([HOST_V8_FLAGS, '--import', 'tsx']));
    expect(webNodeOptions({ web: 'node --max-semi-space-size=32 --import tsx main/web/cli.ts' })).toEqual(['--max-semi-space-size=32', '--import', 'tsx']);
    expect(() => webNodeOptions({ web: 'tsx main/web/server.ts' })).toThrow(/package.json's web script is not "node … main\/web\/cli.ts"/);
  });

  test('requests and replies of the right shape pass; any other is refused with what is wrong', () => {
    const seed = { id: 3, op: 'seed', events: 1_400_000, type: 'equipment.telemetry.imported', ratePerS: 2000, perAppend: 2000, inFlight: 4 };
    expect(parseMessage(hostRequest, seed, 'the soak benchmark')).toEqual(seed);
    expect(parseMessage(hostRequest, { id: 4, op: 'collect' }, 'the soak benchmark')).toEqual({ id: 4, op: 'collect' });
    expect(() => parseMessage(hostRequest, { ...seed, events: -1 }, 'the soak benchmark')).toThrow(/^the soak benchmark: not a valid control message \(events: .*\): \{"id":3/);
    expect(() => parseMessage(hostRequest, { id: 5, op: 'shutdown' }, 'the soak benchmark')).toThrow(/not a valid control message \(op: /);
    expect(() => parseMessage(hostRequest, 'close', 'the soak benchmark')).toThrow(/not a valid control message \(message: /);
    expect(parseMessage(hostMessage, { kind: 'ready', url: 'http://127.0.0.1:4000/?token=abc' }, 'the soak host')).toMatchObject({ kind: 'ready' });
    expect(() => parseMessage(hostMessage, { kind: 'reply', value: 1 }, 'the soak host')).toThrow(/^the soak host: not a valid control message \(id: /);
    expect(() => parseMessage(hostMessage, { kind: 'ready', url: 'here' }, 'the soak host')).toThrow(/\(url: /);
    expect(() => parseMessage(hostControl, { indexWindow: 0, devTools: true }, 'PLANT_SOAK_HOST_CONTROL')).toThrow(/^PLANT_SOAK_HOST_CONTROL: not a valid control message \(indexWindow: /);
  });

  test("the host child's own environment (allocator settings) is NAME=value words", () => {
    expect(hostChildEnv(undefined)).toEqual({});
    expect(hostChildEnv(' MALLOC_ARENA_MAX=2  MALLOC_TRIM_THRESHOLD_=131072 ')).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' });
    expect(() => hostChildEnv('MALLOC_ARENA_MAX')).toThrow(/PLANT_SOAK_HOST_ENV: expected NAME=value words, got "MALLOC_ARENA_MAX"/);
  });
});

describe("the host's resident memory by kind of mapping", () => {
  const hex = (n: number) => n.toString(16).padStart(12, '0');
  const mapping = (start: number, bytes: number, perms: string, name: string, rssKb: number) =>
    `${hex(start)}-${hex(start + bytes)} ${perms} 00000000 00:00 0          ${name}\nSize:           ${bytes / 1024} kB\nRss:            ${rssKb} kB\nPss:            ${rssKb} kB\n`;
  const arenaAt = 0x7f00_0000_0000; // a multiple of 64 MiB

  test("glibc's heap and arenas, other anonymous memory and files apart", () => {
    const smaps = [
      mapping(0x5500_0000_0000, 40 * MB, 'r-xp', '/usr/bin/node', 30_000),
      mapping(0x5600_0000_0000, 100 * MB, 'rw-p', '[heap]', 90_000),
      // An arena: its used part, then the reserved rest, 64 MiB together from a 64 MiB boundary.
      mapping(arenaAt, 20 * MB, 'rw-p', '', 18_000),
      mapping(arenaAt + 20 * MB, 44 * MB, '---p', '', 0),
      // A large anonymous mapping at a 64 MiB boundary that is not 64 MiB: V8's, or malloc's own.
      mapping(arenaAt + 128 * MB, 256 * MB, 'rw-p', '', 200_000),
      mapping(arenaAt + 512 * MB, 1 * MB, 'rw-p', '', 1_000),
      mapping(0x7ffd_0000_0000, 132 * 1024, 'rw-p', '[stack]', 100),
    ].join('');
    expect(residentByKind(smaps)).toEqual({ brk_heap: 90_000, malloc_arenas: 18_000, anonymous: 201_000, files: 30_000, other: 100 });
  });
});

describe("the host's memory figures", () => {
  test('growth per hour from the second half of the samples, and what lies outside V8 (native)', () => {
    const trail = new HostMemoryTrail();
    const sample = (k: number): HostMemory => ({
      rss: (500 + k) * MB,
      heapTotal: 200 * MB,
      heapUsed: 150 * MB,
      external: 40 * MB,
      arrayBuffers: 5 * MB,
      spaces: [{ name: 'old_space', size: 120 * MB, used: 80 * MB }],
      cpuMs: k,
    });
    // Ten samples a second apart; the samples' own times are read when they are taken, so the
    // fit's spacing is measured, not assumed: check the end values and the sign and size only.
    for (let k = 0; k < 10; k++) trail.sample(sample(k));
    const figures = trail.figures();
    expect(figures.soak_host_rss_mb_end).toBe(509);
    expect(figures.soak_host_native_mb_end).toBe(269);
    expect(figures.soak_host_old_space_size_mb_end).toBe(120);
    expect(figures.soak_host_heap_total_growth_mb_per_hour).toBe(0);
    expect(figures.soak_host_native_growth_mb_per_hour).toBeGreaterThan(0);
    expect(figures.soak_host_native_growth_mb_per_hour).toBe(figures.soak_host_rss_growth_mb_per_hour);
  });
});
