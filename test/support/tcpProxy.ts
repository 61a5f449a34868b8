/**
 * A loopback TCP relay to a server, for cutting one station off the network while the
 * others stay connected: `cut()` drops its connections and refuses new ones, `mend()` lets
 * them through again. With `holdLaterMs`, every connection after the first waits that long
 * before it is passed on (a slow network for reconnects, so their state can be seen).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;
  /** How many connections the relay has accepted. */
  connections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, options: { holdLaterMs?: number } = {}): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => {
      if (!proxy?.open) {
        client.destroy();
        return;
      }
      proxy.connections++;
      const holdMs = proxy.connections > 1 ? (options.holdLaterMs ?? 0) : 0;
      if (holdMs === 0) {
        proxy.relay(client, targetPort);
        return;
      }
      client.pause();
      proxy.track(client);
      const timer = setTimeout(() => {
        if (proxy?.open && !client.destroyed) proxy.relay(client, targetPort);
        else client.destroy();
      }, holdMs);
      client.on('close', () => clearTimeout(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
    return proxy;
  }

  private relay(client: Socket, targetPort: number): void {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) this.track(socket);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.resume();
  }

  private track(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  get url(): string {
    return this.urlFor('nats');
  }

  urlFor(scheme: string): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  mend(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
