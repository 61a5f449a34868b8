/**
 * A real OPC UA server (node-opcua) for the OPC UA ingest tests and the bench, in the test's
 * own process on a free loopback port: a `Plant` folder holding one folder per equipment and
 * Double variables under string node ids `ns=1;s=<equipment>.<reading>`, driven by
 * `setValue` (so every change is reported, whatever the sampling), a variable that can be
 * made Bad, optional user names and passwords, and a restart on the same port with the same
 * certificate (its PKI folder is kept until `dispose`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  Variant,
  type UAVariable,
} from 'node-opcua';
import { freePort } from './ports';

export interface TestServerOptions {
  /** Equipment ids; each gets `readings` variables. */
  readonly equipment?: readonly string[];
  readonly readings?: readonly string[];
  /** User name → password; when given, anonymous sessions are refused. */
  readonly users?: Readonly<Record<string, string>>;
  /** Offer only secured endpoints (Sign, SignAndEncrypt with Basic256Sha256). */
  readonly secureOnly?: boolean;
  /** The server's MaxMonitoredItemsPerSubscription (its default is 100,000). */
  readonly maxMonitoredItemsPerSubscription?: number;
}

export const RESOURCE_PATH = '/UA/Plant';

export class TestOpcuaServer {
  private server: OPCUAServer | null = null;
  private readonly variables = new Map<string, UAVariable>();

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly options: TestServerOptions,
  ) {}

  get endpointUrl(): string {
    return `opc.tcp://127.0.0.1:${this.port}${RESOURCE_PATH}`;
  }

  /** The node ids of every numeric variable, in creation order. */
  get nodeIds(): string[] {
    return [...this.variables.keys()].filter((id) => !id.endsWith('.label'));
  }

  static async start(options: TestServerOptions = {}): Promise<TestOpcuaServer> {
    const dir = await mkdtemp(join(tmpdir(), 'opcua-server-test-'));
    const server = new TestOpcuaServer(await freePort(), dir, options);
    await server.resume();
    return server;
  }

  /** The DER certificate the server presents to clients (after the first start). */
  get certificate(): Buffer {
    if (!this.server) throw new Error('the test server is not running');
    return this.server.getCertificate();
  }

  /** Starts the server (again) on the same port, with the same certificate, all values 0. */
  async resume(): Promise<void> {
    const users = this.options.users;
    const serverCertificateManager = new OPCUACertificateManager({ rootFolder: join(this.dir, 'pki'), automaticallyAcceptUnknownCertificate: true });
    const server = new OPCUAServer({
      port: this.port,
      hostname: '127.0.0.1',
      resourcePath: RESOURCE_PATH,
      serverCertificateManager,
      allowAnonymous: users === undefined,
      securityModes: this.options.secureOnly ? [MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt] : undefined,
      securityPolicies: this.options.secureOnly ? [SecurityPolicy.Basic256Sha256] : undefined,
      ...(users ? { userManager: { isValidUser: (name: string, password: string) => users[name] === password } } : {}),
      serverCapabilities: this.options.maxMonitoredItemsPerSubscription
        ? { maxMonitoredItemsPerSubscription: this.options.maxMonitoredItemsPerSubscription }
        : undefined,
    });
    await server.initialize();
    const namespace = server.engine.addressSpace!.getOwnNamespace();
    const plant = namespace.addFolder('ObjectsFolder', { browseName: 'Plant', nodeId: 's=Plant' });
    this.variables.clear();
    for (const equipment of this.options.equipment ?? ['press-1']) {
      const folder = namespace.addFolder(plant, { browseName: equipment, nodeId: `s=${equipment}` });
      for (const reading of this.options.readings ?? ['temperature']) {
        const nodeId = `ns=1;s=${equipment}.${reading}`;
        const variable = namespace.addVariable({
          componentOf: folder,
          browseName: reading,
          nodeId,
          dataType: 'Double',
          minimumSamplingInterval: 0,
          value: new Variant({ dataType: DataType.Double, value: 0 }),
        });
        this.variables.set(nodeId, variable);
      }
    }
    // One variable that holds text, which ingest must refuse as a reading.
    const first = this.options.equipment?.[0] ?? 'press-1';
    this.variables.set(
      `ns=1;s=${first}.label`,
      namespace.addVariable({ componentOf: plant, browseName: `${first}-label`, nodeId: `ns=1;s=${first}.label`, dataType: 'String', value: new Variant({ dataType: DataType.String, value: 'batch A' }) }),
    );
    await server.start();
    this.server = server;
  }

  /** Sets a variable's value (status Good, both timestamps now, or the source time given). */
  setValue(nodeId: string, value: number, sourceTimestamp = new Date()): void {
    this.variable(nodeId).setValueFromSource(new Variant({ dataType: DataType.Double, value }), StatusCodes.Good, sourceTimestamp);
  }

  /** Makes a variable Bad (a failed sensor), keeping its last value. */
  setBad(nodeId: string): void {
    const variable = this.variable(nodeId);
    variable.setValueFromSource(variable.readValue().value, StatusCodes.BadSensorFailure, new Date());
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.shutdown(0);
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  private variable(nodeId: string): UAVariable {
    const variable = this.variables.get(nodeId);
    if (!variable) throw new Error(`the test server has no variable ${nodeId}`);
    return variable;
  }
}
