/**
 * The soak's host in a process of its own (soakHost.ts), started as `npm run web` starts the
 * product's host (its entry's Node options from package.json), and the small control channel
 * over Node's IPC through which the benchmark asks it for what it cannot read from outside:
 * its URL, the seeding of the history through the store's own append path, its memory as V8
 * counts it, a forced full collection, and a clean close. Both sides check what they receive:
 * a message of the wrong shape is an error that names it, not a figure read from garbage.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { REPO_ROOT } from '../../main/platform/rendererBuild';

/** What the benchmark asks the host child for; every request carries an id its reply repeats. */
export const hostRequest = z.discriminatedUnion('op', [
  z.object({ id: z.number().int(), op: z.literal('connect'), brokerUrl: z.string().min(1) }),
  z.object({ id: z.number().int(), op: z.literal('seed'), events: z.number().int().positive(), type: z.string().min(1), ratePerS: z.number().positive(), perAppend: z.number().int().positive(), inFlight: z.number().int().positive() }),
  z.object({ id: z.number().int(), op: z.literal('count'), types: z.array(z.string()) }),
  z.object({ id: z.number().int(), op: z.enum(['memory', 'collect', 'storeHostPid', 'close']) }),
]);
export type HostRequest = z.infer<typeof hostRequest>;
/** A request without its id, as the benchmark's side writes it. */
export type HostAsk = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, 'id'> : never) : never;

const heapSpace = z.object({ name: z.string(), size: z.number(), used: z.number() });

/** `process.memoryUsage()` and V8's heap spaces of the host child, in bytes, and its CPU so far. */
export const hostMemory = z.object({
  rss: z.number(),
  heapTotal: z.number(),
  heapUsed: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
  spaces: z.array(heapSpace),
  cpuMs: z.number(),
});
export type HostMemory = z.infer<typeof hostMemory>;

/** How the benchmark starts the host child (PLANT_SOAK_HOST_CONTROL, JSON): options `npm run web` has no flag for. */
export const hostControl = z.object({ indexWindow: z.number().int().positive().nullable(), devTools: z.boolean() });

/** What the host child sends: once ready, then one reply per request. */
export const hostMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), url: z.string().url() }),
  z.object({ kind: z.literal('reply'), id: z.number().int(), value: z.unknown() }),
  z.object({ kind: z.literal('failed'), id: z.number().int(), error: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessage>;

/** Parses a message that came over the channel; `what` names its sender in the error. */
export function parseMessage<T>(schema: z.ZodType<T>, message: unknown, what: string): T {
  const parsed = schema.safeParse(message);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${what}: not a valid control message (${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown shape'}): ${JSON.stringify(message)?.slice(0, 200)}`);
}

/** The Node options `npm run web` starts the product's host with (package.json, before `--import`'s module). */
export function webNodeOptions(scripts: Record<string, string> = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts): string[] {
  const words = (scripts.web ?? '').split(' ');
  const entry = words.indexOf('main/web/cli.ts');
  if (words[0] !== 'node' || entry < 0) throw new Error(`package.json's web script is not "node … main/web/cli.ts": ${scripts.web}`);
  return words.slice(1, entry);
}

/**
 * `PLANT_SOAK_HOST_ENV="NAME=value NAME=value"`: environment for the host child only (the
 * allocator's settings compared in back-to-back soaks), not for the benchmark itself.
 * `MALLOC_ARENA_MAX=2` was measured so (quick soaks, 2 pairs alternating): glibc's arenas
 * other than the main heap held 9 MB at the end instead of 29-31, the main heap 10 MB more,
 * the host 131 MB outside V8 instead of 143 and the same CPU per event. The product does not
 * set it: 12 MB of some 350, with no growth to stop (a full soak's arenas stayed flat), is not
 * worth a launcher process for `npm run web`, which could only set it before Node starts.
 */
export function hostChildEnv(text: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of (text ?? '').split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
    if (!match) throw new Error(`PLANT_SOAK_HOST_ENV: expected NAME=value words, got "${word}"`);
    env[match[1] as string] = match[2] as string;
  }
  return env;
}

/** The benchmark's side: the host child and its requests in flight. */
export class HostChild {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (raw: unknown) => {
      let message: HostMessage;
      try {
        message = parseMessage(hostMessage, raw, 'the soak host');
      } catch (error) {
        return this.failAll(error as Error);
      }
      if (message.kind === 'ready') return;
      const waiting = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.kind === 'reply') waiting?.resolve(message.value);
      else waiting?.reject(new Error(`the soak host: ${message.error}`));
    });
    child.once('exit', (code, signal) => this.failAll(new Error(`the soak host exited (${signal ?? code})`)));
  }

  private failAll(error: Error): void {
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }

  /** The host's process id: the soak's `…_host` figures are this process's. */
  get pid(): number {
    return this.child.pid as number;
  }

  /** Starts the host on `dataDir` with the product's command line (no simulator) and waits until it serves. */
  static async start(options: { dataDir: string; indexWindow?: number; devTools?: boolean; log: (line: string) => void }): Promise<HostChild> {
    const args = ['--data-dir', options.dataDir, '--no-simulator', '--log-level', 'warn'];
    const control = { indexWindow: options.indexWindow ?? null, devTools: options.devTools === true };
    const child = fork(fileURLToPath(new URL('./soakHost.ts', import.meta.url)), args, {
      execArgv: webNodeOptions(),
      env: { ...process.env, ...hostChildEnv(process.env.PLANT_SOAK_HOST_ENV), PLANT_SOAK_HOST_CONTROL: JSON.stringify(control) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Its log lines (warnings and worse) go to the benchmark's log, not to stdout, whose last line is the figures.
    for (const stream of [child.stdout, child.stderr]) stream?.setEncoding('utf8').on('data', (text: string) => text.split('\n').filter(Boolean).forEach((line) => options.log(`soak host: ${line}`)));
    const url = await new Promise<string>((resolve, reject) => {
      child.on('message', (raw: unknown) => {
        try {
          const message = parseMessage(hostMessage, raw, 'the soak host');
          if (message.kind === 'ready') resolve(message.url);
        } catch (error) {
          reject(error as Error);
        }
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`the soak host exited (${signal ?? code}) before it was ready`)));
    });
    return new HostChild(child, url);
  }

  ask(request: HostAsk): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...request, id });
    });
  }

  async memory(): Promise<HostMemory> {
    return parseMessage(hostMemory, await this.ask({ op: 'memory' }), 'the soak host\'s memory');
  }

  /** The V8 heap in use (bytes) right after a forced full collection in the host. */
  async collected(): Promise<number> {
    return parseMessage(z.number(), await this.ask({ op: 'collect' }), 'the soak host\'s collected heap');
  }

  async storeHostPid(): Promise<number | undefined> {
    return parseMessage(z.number().int().nullable(), await this.ask({ op: 'storeHostPid' }), 'the store host\'s pid') ?? undefined;
  }

  async count(types: string[]): Promise<number> {
    return parseMessage(z.number().int(), await this.ask({ op: 'count', types }), 'the soak host\'s count');
  }

  /** Flushes every pending write and stops the host, then waits for its process to end. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.ask({ op: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}
