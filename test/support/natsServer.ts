/**
 * A real nats-server with JetStream for the plant-link tests: Debian's binary started on a
 * free loopback port with a store folder and a config file of its own (anonymous, with users,
 * with a token, or with TLS requiring a client certificate), killed (SIGKILL, as a crash) or
 * stopped and started again on the same port and folder, and removed with its files at the end.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestCertificates, type TestCertificates } from './certificates';
import { LoopbackService, servicePlace, type ServicePlace } from './loopbackService';

export const NATS_MISSING =
  'nats-server is not installed: install the Debian package "nats-server" (apt-get install -y nats-server, as .ci/run does) to run the plant-link tests.';

/** The nats-server executable, or null when it is not installed. */
export function findNatsServer(): string | null {
  const fromEnv = process.env.NATS_SERVER_PATH;
  const candidates = [...(fromEnv ? [fromEnv] : []), '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** For `describe.skipIf`: true (and the reason printed) when the tests cannot run here. */
export function natsMissing(): boolean {
  if (findNatsServer()) return false;
  console.warn(`skipped: ${NATS_MISSING}`);
  return true;
}

export interface NatsServerOptions {
  /** User name and password pairs; when given, anonymous clients are refused. */
  readonly users?: Readonly<Record<string, string>>;
  /** A single token every client must present. */
  readonly token?: string;
  /** Listen with TLS (certificates made for the test) and require a client certificate. */
  readonly tls?: boolean;
}

export class NatsServer extends LoopbackService {
  private constructor(
    executable: string,
    place: ServicePlace,
    configFile: string,
    readonly certificates: TestCertificates | null,
  ) {
    // The port accepts before JetStream has read its store back; the log line says when it has.
    super({ name: 'nats-server', executable, args: ['-c'], readyWithinMs: 15_000, readyLine: /Server is ready/ }, place.dir, place.port, configFile);
  }

  get url(): string {
    return `${this.certificates ? 'tls' : 'nats'}://127.0.0.1:${this.port}`;
  }

  /** The JetStream store folder (kept across kill and start). */
  get storeDir(): string {
    return join(this.dir, 'jetstream');
  }

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const executable = findNatsServer();
    if (!executable) throw new Error(NATS_MISSING);
    const place = await servicePlace('nats-test-');
    const { dir, port } = place;
    const certificates = options.tls ? await makeTestCertificates(dir) : null;
    const lines = [`listen: "127.0.0.1:${port}"`, `jetstream { store_dir: ${JSON.stringify(join(dir, 'jetstream'))} }`];
    if (options.users) {
      const users = Object.entries(options.users).map(([user, password]) => `{ user: ${JSON.stringify(user)}, password: ${JSON.stringify(password)} }`);
      lines.push(`authorization { users: [ ${users.join(', ')} ] }`);
    } else if (options.token) {
      lines.push(`authorization { token: ${JSON.stringify(options.token)} }`);
    }
    if (certificates) {
      lines.push(
        `tls { cert_file: ${JSON.stringify(certificates.serverCertFile)}, key_file: ${JSON.stringify(certificates.serverKeyFile)}, ca_file: ${JSON.stringify(certificates.caFile)}, verify: true }`,
      );
    }
    const server = new NatsServer(executable, place, await LoopbackService.writeConfig(place, 'nats.conf', lines), certificates);
    await server.resume();
    return server;
  }

  /** Kills the server at once (SIGKILL), as a crash or power loss of the process would. */
  async kill(): Promise<void> {
    await this.halt('SIGKILL');
  }
}
