/**
 * A real Mosquitto broker for the MQTT ingest tests: started on a free loopback port with a
 * config file of its own (anonymous, or with a password file made by `mosquitto_passwd`),
 * stopped and restarted on the same port, and removed with its files at the end.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { makeTestCertificates, type TestCertificates } from './certificates';
import { LoopbackService, servicePlace, type ServicePlace } from './loopbackService';

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

export class MosquittoBroker extends LoopbackService {
  private constructor(
    executable: string,
    place: ServicePlace,
    configFile: string,
    /** The certificates of a TLS broker (its CA, and a client certificate it accepts). */
    readonly certificates: TestCertificates | null,
  ) {
    super({ name: 'mosquitto', executable, args: ['-c'], readyWithinMs: 10_000 }, place.dir, place.port, configFile);
  }

  get url(): string {
    return `${this.certificates ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  static async start(options: BrokerOptions = {}): Promise<MosquittoBroker> {
    const tools = findMosquitto();
    if (!tools) throw new Error(MOSQUITTO_MISSING);
    const place = await servicePlace('mosquitto-test-');
    const { dir, port } = place;
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
    const broker = new MosquittoBroker(tools.broker, place, await LoopbackService.writeConfig(place, 'mosquitto.conf', lines), certificates);
    await broker.resume();
    return broker;
  }
}
