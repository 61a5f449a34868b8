/**
 * One service process the tests run on a loopback port (Mosquitto, nats-server): started
 * from its config file, started again on the same port after a stop, waited for until it
 * accepts connections (and, where its port opens early, until its log says it is ready),
 * and stopped by a signal, with SIGKILL if it does not exit in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accepts } from './ports';

export interface LoopbackServiceSpec {
  /** The name errors give it ("mosquitto", "nats-server"). */
  readonly name: string;
  readonly executable: string;
  readonly args: readonly string[];
  readonly port: number;
  /** How long a start may take before it counts as failed. */
  readonly readyWithinMs: number;
  /** A log line that must have appeared as well as the open port. */
  readonly readyLine?: RegExp;
}

/** How long a signalled process has to exit before it is killed. */
const EXIT_GRACE_MS = 5_000;

export class LoopbackService {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(private readonly spec: LoopbackServiceSpec) {}

  /** Starts the process unless it runs; returns once it is ready, or throws with the end of its output. */
  async start(): Promise<void> {
    if (this.child) return;
    const { name, executable, args, port, readyWithinMs, readyLine } = this.spec;
    this.output = '';
    const child = spawn(executable, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    while (!(await accepts(port)) || (readyLine && !readyLine.test(this.output))) {
      if (this.child !== child) throw new Error(`${name} exited on start: ${this.output.trim() || 'no output'}`);
      if (Date.now() > deadline) throw new Error(`${name} did not get ready on port ${port} within ${readyWithinMs / 1000} s: ${this.output.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends the signal and waits until the process has exited. */
  async halt(signal: NodeJS.Signals): Promise<void> {
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
