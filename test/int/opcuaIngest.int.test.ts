/**
 * OPC UA ingest against a real node-opcua server on loopback: 1,000 monitored variables
 * whose changes arrive as telemetry events with their timestamps and status, a variable
 * going Bad, a text value refused and kept, the server restarting, a certificate refused
 * until the operator trusts it by its fingerprint, and wrong credentials.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PublishInput } from '../../shared/events/validate';
import { OpcuaIngest } from '../../main/ingest/opcua/opcuaIngest';
import { ConsolePki } from '../../main/ingest/opcua/pki';
import { TestOpcuaServer } from '../support/opcuaServer';

type Payload = Record<string, unknown> & { opcua?: Record<string, unknown> };

/** An ingest bus that keeps what it is given, in order. */
function collectingBus() {
  const events: PublishInput[] = [];
  return {
    events,
    bus: { publishBatch: async (batch: readonly PublishInput[]) => void events.push(...batch) },
    telemetry: (nodeId: string) => events.filter((e) => e.type === 'equipment.telemetry.recorded' && (e.payload as Payload).opcua?.nodeId === nodeId),
    states: () => events.filter((e) => e.type === 'ingest.connection.changed').map((e) => (e.payload as { state: string }).state),
  };
}

let dir: string;
let pki: ConsolePki;
const running: OpcuaIngest[] = [];
const servers: TestOpcuaServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opcua-ingest-'));
  // One PKI for the file: node-opcua's first certificate takes seconds to make.
  pki = ConsolePki.create(join(dir, 'pki'));
});

afterAll(async () => {
  for (const ingest of running) await ingest.stop();
  for (const server of servers) await server.dispose();
  await pki.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function server(options: Parameters<typeof TestOpcuaServer.start>[0]) {
  const started = await TestOpcuaServer.start(options);
  servers.push(started);
  return started;
}

function start(settings: Record<string, unknown>, bus: ReturnType<typeof collectingBus>['bus']) {
  const ingest = OpcuaIngest.start({ bus, settings, pki, queueCapacity: 1_000_000 });
  running.push(ingest);
  return ingest;
}

describe('OPC UA ingest', () => {
  it('hands the changes of one publish response to the bus in one batch (one store append), each change its own event', async () => {
    const opc = await server({ equipment: Array.from({ length: 20 }, (_, i) => `cell-${i}`), readings: Array.from({ length: 10 }, (_, i) => `v${i}`) });
    const batches: PublishInput[][] = [];
    const bus = { publishBatch: async (batch: readonly PublishInput[]) => void batches.push([...batch]) };
    const ingest = start({ endpointUrl: opc.endpointUrl, publishingIntervalMs: 200, samplingIntervalMs: 0, items: opc.nodeIds.map((nodeId) => ({ nodeId })) }, bus);
    await vi.waitFor(() => expect(ingest.metrics().received).toBeGreaterThanOrEqual(200), { timeout: 20_000 });
    // All 200 change in one go, so the server reports them in one publish response.
    for (const nodeId of opc.nodeIds) opc.setValue(nodeId, 7.5);
    const changed = (batch: readonly PublishInput[]) => batch.filter((e) => e.type === 'equipment.telemetry.recorded' && Object.values(e.payload as Payload).includes(7.5));
    await vi.waitFor(() => expect(batches.flatMap(changed)).toHaveLength(200), { timeout: 20_000 });
    expect(batches.filter((batch) => changed(batch).length > 0).map((batch) => changed(batch).length)).toEqual([200]);
  });

  it('monitors 1,000 variables split across subscriptions as the server limits, and each change arrives as a telemetry event', async () => {
    const equipment = Array.from({ length: 100 }, (_, i) => `eq-${i}`);
    const opc = await server({ equipment, readings: Array.from({ length: 10 }, (_, i) => `r${i}`), maxMonitoredItemsPerSubscription: 300 });
    const sink = collectingBus();
    const items = opc.nodeIds.map((nodeId) => ({ nodeId }));
    expect(items).toHaveLength(1_000);
    const ingest = start({ endpointUrl: opc.endpointUrl, publishingIntervalMs: 100, samplingIntervalMs: 0, items }, sink.bus);

    await vi.waitFor(() => expect(ingest.status().state).toBe('connected'), { timeout: 20_000 });
    expect(ingest.status()).toMatchObject({ monitored: 1_000, items: 1_000, subscriptions: 4 });
    // Every variable reports its current value first.
    await vi.waitFor(() => expect(ingest.metrics().received).toBeGreaterThanOrEqual(1_000), { timeout: 20_000 });

    const sourceTime = new Date(Date.UTC(2026, 11, 3, 8, 0, 0));
    opc.setValue('ns=1;s=eq-42.r7', 71.5, sourceTime);
    opc.setValue('ns=1;s=eq-99.r9', -3.25);
    await vi.waitFor(() => expect(sink.telemetry('ns=1;s=eq-42.r7').some((e) => (e.payload as Payload).r7 === 71.5)).toBe(true), { timeout: 10_000 });
    await vi.waitFor(() => expect(sink.telemetry('ns=1;s=eq-99.r9').some((e) => (e.payload as Payload).r9 === -3.25)).toBe(true), { timeout: 10_000 });

    const event = sink.telemetry('ns=1;s=eq-42.r7').find((e) => (e.payload as Payload).r7 === 71.5)!;
    expect(event.timestamp).toBe(sourceTime.getTime());
    expect(event.payload).toMatchObject({ equipmentId: 'eq-42', r7: 71.5, opcua: { nodeId: 'ns=1;s=eq-42.r7', quality: 'Good', statusCode: 'Good', sourceTimestamp: sourceTime.getTime() } });
    expect((event.payload as Payload).opcua?.serverTimestamp).toEqual(expect.any(Number));
  });

  it('says so when a variable goes Bad, records no reading for it, and keeps a text value as rejected with the reason', async () => {
    const opc = await server({ equipment: ['press-1'], readings: ['temperature'] });
    const sink = collectingBus();
    const ingest = start({ endpointUrl: opc.endpointUrl, publishingIntervalMs: 50, samplingIntervalMs: 0, items: [{ nodeId: 'ns=1;s=press-1.temperature' }, { nodeId: 'ns=1;s=press-1.label' }] }, sink.bus);
    await vi.waitFor(() => expect(ingest.status().state).toBe('connected'), { timeout: 20_000 });
    opc.setValue('ns=1;s=press-1.temperature', 64);
    await vi.waitFor(() => expect(sink.telemetry('ns=1;s=press-1.temperature').some((e) => (e.payload as Payload).temperature === 64)).toBe(true), { timeout: 10_000 });

    opc.setBad('ns=1;s=press-1.temperature');
    await vi.waitFor(() => expect(sink.telemetry('ns=1;s=press-1.temperature').some((e) => (e.payload as Payload).opcua?.quality === 'Bad')).toBe(true), { timeout: 10_000 });
    const bad = sink.telemetry('ns=1;s=press-1.temperature').find((e) => (e.payload as Payload).opcua?.quality === 'Bad')!;
    expect(bad.payload).toMatchObject({ equipmentId: 'press-1', opcua: { statusCode: 'BadSensorFailure', quality: 'Bad' } });
    expect(bad.payload).not.toHaveProperty('temperature');
    expect(bad.priority).toBe('HIGH');
    expect(ingest.metrics().bad).toBeGreaterThanOrEqual(1);

    const rejected = sink.events.find((e) => e.type === 'ingest.message.rejected');
    expect(rejected?.payload).toMatchObject({ origin: 'opcua', subject: 'opcua:default', topic: 'ns=1;s=press-1.label', code: 'bad-field' });
    expect((rejected?.payload as Payload).reason).toMatch(/ns=1;s=press-1\.label: the value is of type String; only numbers and booleans become readings/);
    expect((rejected?.payload as Payload).excerpt).toContain('batch A');
    expect(ingest.metrics().rejected).toBe(1);
  });

  it('recovers when the server restarts: says it lost the connection, recreates the subscriptions, and values flow again', async () => {
    const opc = await server({ equipment: ['oven-1'], readings: ['temperature'] });
    const sink = collectingBus();
    const nodeId = 'ns=1;s=oven-1.temperature';
    const ingest = start({ endpointUrl: opc.endpointUrl, publishingIntervalMs: 50, samplingIntervalMs: 0, items: [{ nodeId }], reconnect: { initialDelayMs: 100, maxDelayMs: 500 } }, sink.bus);
    await vi.waitFor(() => expect(ingest.status().state).toBe('connected'), { timeout: 20_000 });
    opc.setValue(nodeId, 180);
    await vi.waitFor(() => expect(sink.telemetry(nodeId).some((e) => (e.payload as Payload).temperature === 180)).toBe(true), { timeout: 10_000 });

    await opc.stop();
    await vi.waitFor(() => expect(sink.states()).toContain('disconnected'), { timeout: 20_000 });
    expect(ingest.status().state).not.toBe('connected');
    const beforeRestart = sink.telemetry(nodeId).length;
    await opc.resume();
    await vi.waitFor(() => expect(ingest.status().state).toBe('connected'), { timeout: 30_000 });
    // The restarted server knows nothing of the old subscription: values flow only if it was recreated.
    await vi.waitFor(
      () => {
        opc.setValue(nodeId, 205);
        expect(sink.telemetry(nodeId).some((e) => (e.payload as Payload).temperature === 205)).toBe(true);
      },
      { timeout: 30_000, interval: 500 },
    );
    // Nothing was made up for the outage: every event after the restart carries a value the server reported (0 at start, then 205).
    const after = sink.telemetry(nodeId).slice(beforeRestart).map((e) => (e.payload as Payload).temperature);
    expect(after.every((value) => value === 0 || value === 205)).toBe(true);
    const reason = sink.events.filter((e) => e.type === 'ingest.connection.changed').map((e) => (e.payload as { reason: string | null }).reason);
    expect(reason.some((r) => r?.includes('connection lost'))).toBe(true);
  }, 90_000);

  it('refuses a server certificate it does not trust (Sign) until the operator trusts that fingerprint', async () => {
    const opc = await server({ equipment: ['mixer-1'], readings: ['speed'], secureOnly: true });
    const sink = collectingBus();
    const nodeId = 'ns=1;s=mixer-1.speed';
    const ingest = start({ endpointUrl: opc.endpointUrl, securityMode: 'Sign', publishingIntervalMs: 50, samplingIntervalMs: 0, items: [{ nodeId }] }, sink.bus);
    await vi.waitFor(() => expect(ingest.status().state).toBe('error'), { timeout: 30_000 });
    const status = ingest.status();
    expect(status.reason).toMatch(/certificate is not trusted yet/);
    expect(status.untrustedCertificate?.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(sink.telemetry(nodeId)).toHaveLength(0);

    await expect(pki.trust('AA:BB')).rejects.toThrow(/is not the one of the certificate waiting/);
    expect(ingest.status().state).toBe('error');
    await pki.trust(status.untrustedCertificate!.sha256);
    ingest.retryNow();
    await vi.waitFor(() => expect(ingest.status().state).toBe('connected'), { timeout: 30_000 });
    opc.setValue(nodeId, 1450);
    await vi.waitFor(() => expect(sink.telemetry(nodeId).some((e) => (e.payload as Payload).speed === 1450)).toBe(true), { timeout: 10_000 });
  });

  it('names wrong credentials in one sentence, and the password appears in no event or status', async () => {
    const opc = await server({ equipment: ['press-9'], readings: ['temperature'], users: { operator: 'right-secret' } });
    const sink = collectingBus();
    const ingest = start({ endpointUrl: opc.endpointUrl, username: 'operator', password: 'wrong-s3cret-9', items: [{ nodeId: 'ns=1;s=press-9.temperature' }], reconnect: { initialDelayMs: 5_000 } }, sink.bus);
    await vi.waitFor(() => expect(ingest.status().state).toBe('error'), { timeout: 20_000 });
    expect(ingest.status().reason).toBe(`${opc.endpointUrl} refused the user name or password.`);
    const everything = JSON.stringify([sink.events, ingest.status(), ingest.publicSettings(), ingest.metrics()]);
    expect(everything).not.toContain('wrong-s3cret-9');
    expect(ingest.publicSettings()).toMatchObject({ hasPassword: true });
  });
});
