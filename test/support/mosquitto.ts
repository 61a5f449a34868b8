/**
 * A real Mosquitto broker for the MQTT ingest tests: started on a free loopback port with a
 * config file of its own (anonymous, or with a password file made by `mosquitto_passwd`),
 * stopped and restarted on the same port, and removed with its files at the end.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { makeTestCertificates, type TestCertificates } from './certificates';
import { LoopbackService } from './loopbackService';
import { freePort } from './ports';

export const MOSQUITTO_MISSING =
  'Mosquitto is not installed: install the Debian package "mosquitto" (apt-get install -y mosquitto, as .ci/run does) to run the MQTT ingest tests.';

/** The broker executable and the password tool, or null when Mosquitto is not installed. */
export function findMosquitto(): { broker: string; passwd: string } | null {
  const broker = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p));
  const passwd = ['/usr/bin/mosquitto_passwd', '/usr/local/bin/mosquitto_passwd'].find((p) => existsSync(p));
  return broker && passwd ? { broker, passwd } : null;
}

export interface BrokerOptions {
  /** User name and password pairs; when given, anonymous clients are refused. */
  readonly users?: Readonly<Record<string, string>>;
  /** Listen with TLS (certificates made for the test) and require a client certificate. */
  readonly tls?: boolean;
  /**
   * Further mosquitto.conf lines, e.g. the queue limits the README recommends for a broker
   * that feeds a console at high rates (Mosquitto's defaults queue 1,000 QoS 1 messages per
   * client and silently drop the rest).
   */
  readonly config?: readonly string[];
}

/** One broker for the tests of the file (or describe block) that calls this: started before them, handed to `use`, stopped after them. */
export function brokerForTests(use: (broker: MosquittoBroker) => void, options: BrokerOptions = {}): void {
  let broker: MosquittoBroker | undefined;
  beforeAll(async () => {
    broker = await MosquittoBroker.start(options);
    use(broker);
  });
  afterAll(async () => {
    await broker?.stop();
  });
}

export class MosquittoBroker {
  private readonly process: LoopbackService;

  private constructor(
    executable: string,
    private readonly dir: string,
    configFile: string,
    readonly port: number,
    /** The certificates of a TLS broker (its CA, and a client certificate it accepts). */
    readonly certificates: TestCertificates | null,
  ) {
    this.process = new LoopbackService({ name: 'mosquitto', executable, args: ['-c', configFile], port, readyWithinMs: 10_000 });
  }

  get url(): string {
    return `${this.certificates ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  static async start(options: BrokerOptions = {}): Promise<MosquittoBroker> {
    const tools = findMosquitto();
    if (!tools) throw new Error(MOSQUITTO_MISSING);
    const dir = await mkdtemp(join(tmpdir(), 'mosquitto-test-'));
    const port = await freePort();
    const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'log_type error', 'log_type warning'];
    // Run as root (CI containers), the broker would switch to the "mosquitto" user and lose access to the files here.
    if (process.getuid?.() === 0) lines.push('user root');
    const certificates = options.tls ? await makeTestCertificates(dir) : null;
    if (certificates) {
      lines.push(`cafile ${certificates.caFile}`, `certfile ${certificates.serverCertFile}`, `keyfile ${certificates.serverKeyFile}`, 'require_certificate true');
    }
    if (options.users && Object.keys(options.users).length > 0) {
      const passwordFile = join(dir, 'passwords');
      let create = true;
      for (const [user, password] of Object.entries(options.users)) {
        const made = spawnSync(tools.passwd, ['-b', ...(create ? ['-c'] : []), passwordFile, user, password], { encoding: 'utf8' });
        if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr || made.stdout}`);
        create = false;
      }
      lines.push('allow_anonymous false', `password_file ${passwordFile}`);
    } else {
      lines.push('allow_anonymous true');
    }
    lines.push(...(options.config ?? []));
    const configFile = join(dir, 'mosquitto.conf');
    await writeFile(configFile, `${lines.join('\n')}\n`);
    const broker = new MosquittoBroker(tools.broker, dir, configFile, port, certificates);
    await broker.resume();
    return broker;
  }

  /** Starts the broker process (again) on the same port and waits until it accepts connections. */
  async resume(): Promise<void> {
    await this.process.start();
  }

  /** Stops the broker process; its config stays for `resume`. */
  async pause(): Promise<void> {
    await this.process.halt('SIGTERM');
  }

  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }
}
