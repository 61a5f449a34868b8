/**
 * A service process the tests run on a loopback port (Mosquitto, nats-server), with a
 * temporary folder of its own for its config file and data: started from that config,
 * started again on the same port after a stop, waited for until it accepts connections
 * (and, where its port opens early, until its log says it is ready), stopped by a signal
 * (SIGKILL if it does not exit in time), and removed with its folder at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort } from './ports';

export interface LoopbackServiceSpec {
  /** The name errors give it ("mosquitto", "nats-server"). */
  readonly name: string;
  readonly executable: string;
  /** Its command line; the config file's path is added last. */
  readonly args: readonly string[];
  /** How long a start may take before it counts as failed. */
  readonly readyWithinMs: number;
  /** A log line that must have appeared as well as the open port. */
  readonly readyLine?: RegExp;
}

/** A new service's folder and port, before its config is written. */
export interface ServicePlace {
  readonly dir: string;
  readonly port: number;
}

/** How long a signalled process has to exit before it is killed. */
const EXIT_GRACE_MS = 5_000;

export async function servicePlace(prefix: string): Promise<ServicePlace> {
  return { dir: await mkdtemp(join(tmpdir(), prefix)), port: await freePort() };
}

export abstract class LoopbackService {
  private child: ChildProcess | null = null;
  private output = '';

  protected constructor(
    private readonly spec: LoopbackServiceSpec,
    protected readonly dir: string,
    readonly port: number,
    private readonly configFile: string,
  ) {}

  /** Writes the config file into the service's folder; its path, for the constructor. */
  protected static async writeConfig(place: ServicePlace, fileName: string, lines: readonly string[]): Promise<string> {
    const configFile = join(place.dir, fileName);
    await writeFile(configFile, `${lines.join('\n')}\n`);
    return configFile;
  }

  /** Starts the process (again) on the same port and folder; returns once it is ready, or throws with the end of its output. */
  async resume(): Promise<void> {
    if (this.child) return;
    const { name, executable, args, readyWithinMs, readyLine } = this.spec;
    this.output = '';
    const child = spawn(executable, [...args, this.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // Only the end of the output is kept: it is what an error message needs.
    const keep = (data: Buffer) => {
      this.output = (this.output + data.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + readyWithinMs;
    while (!(await accepts(this.port)) || (readyLine && !readyLine.test(this.output))) {
      if (this.child !== child) throw new Error(`${name} exited on start: ${this.output.trim() || 'no output'}`);
      if (Date.now() > deadline) throw new Error(`${name} did not get ready on port ${this.port} within ${readyWithinMs / 1000} s: ${this.output.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the process in order (SIGTERM); its folder and config stay for `resume`. */
  async pause(): Promise<void> {
    await this.halt('SIGTERM');
  }

  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Sends the signal and waits until the process has exited. */
  protected async halt(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}
