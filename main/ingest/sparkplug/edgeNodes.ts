/**
 * What the primary host knows of each edge node, from its births: which metrics it and its
 * devices declared (name, alias, type, unit), whether it is online, the `bdSeq` of its birth
 * (so that a death from an older session is told apart and ignored) and the last `seq` (0-255,
 * wrapping; every node message after the birth must carry the next one). Pure state: it says
 * what a message means and whether a rebirth must be asked for; the caller publishes.
 */
import type { DecodedMetric, DecodedPayload, MetricValue } from './decode';
import type { SparkplugTopic } from './topic';

export interface MetricDefinition {
  readonly name: string;
  readonly type: string | null;
  readonly unit: string | null;
}

export interface ResolvedMetric extends MetricDefinition {
  readonly value: MetricValue;
  readonly quality: number | null;
  readonly timestamp: number | null;
}

export type Outcome =
  | { readonly kind: 'metrics'; readonly metrics: readonly ResolvedMetric[]; readonly birth: boolean; readonly cameOnline: boolean }
  | { readonly kind: 'death'; readonly devices: readonly string[]; readonly wasOnline: boolean }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly code: 'no-birth' | 'bad-field'; readonly reason: string };

export interface Handled {
  readonly outcome: Outcome;
  /** Set when the node's `seq` did not follow on: what was expected and what came. */
  readonly gap: { readonly expected: number; readonly received: number | null } | null;
  readonly rebirth: boolean;
}

interface Definitions {
  readonly byAlias: Map<number, MetricDefinition>;
  readonly byName: Map<string, MetricDefinition>;
}

interface DeviceSession {
  online: boolean;
  metrics: Definitions;
}

interface NodeSession {
  bdSeq: number | null;
  seq: number;
  online: boolean;
  metrics: Definitions;
  readonly devices: Map<string, DeviceSession>;
}

/** Metrics of the Sparkplug session itself, not readings of the plant. */
export function isControlMetric(name: string): boolean {
  return name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/') || name.startsWith('Properties/');
}

const rejected = (code: 'no-birth' | 'bad-field', reason: string, rebirth: boolean, gap: Handled['gap'] = null): Handled => ({ outcome: { kind: 'rejected', code, reason }, gap, rebirth });

export class EdgeNodes {
  private readonly nodes = new Map<string, NodeSession>();

  /** What a decoded message from `topic` means, given what came before it. */
  handle(topic: SparkplugTopic, payload: DecodedPayload): Handled {
    const key = `${topic.group}/${topic.node}`;
    const session = this.nodes.get(key);
    const where = topic.device === null ? key : `${key}/${topic.device}`;
    switch (topic.type) {
      case 'NCMD':
      case 'DCMD':
        return { outcome: { kind: 'ignored', reason: 'a command to an edge node' }, gap: null, rebirth: false };
      case 'NBIRTH':
        return this.nodeBirth(key, session, payload);
      case 'NDEATH':
        return nodeDeath(session, payload);
      default:
        break;
    }
    if (!session?.online) return rejected('no-birth', `${topic.type} from ${key} before its NBIRTH`, true);
    const gap = nextSeq(session, payload.seq);
    const device = topic.device === null ? null : session.devices.get(topic.device);
    if (topic.type === 'DBIRTH') {
      const metrics = definitions(payload.metrics, where);
      if (typeof metrics === 'string') return rejected('bad-field', metrics, true, gap);
      session.devices.set(topic.device as string, { online: true, metrics });
      return { outcome: { kind: 'metrics', metrics: resolved(payload.metrics, metrics), birth: true, cameOnline: !device?.online }, gap, rebirth: gap !== null };
    }
    if (topic.type === 'DDEATH') {
      const wasOnline = device?.online ?? false;
      if (device) device.online = false;
      return { outcome: { kind: 'death', devices: [topic.device as string], wasOnline }, gap, rebirth: gap !== null };
    }
    const target = topic.device === null ? session.metrics : device?.online ? device.metrics : null;
    if (target === null) return rejected('no-birth', `DDATA from ${where} before its DBIRTH`, true, gap);
    const metrics = resolve(payload.metrics, target, where);
    if (typeof metrics === 'string') return rejected('no-birth', metrics, true, gap);
    return { outcome: { kind: 'metrics', metrics, birth: false, cameOnline: false }, gap, rebirth: gap !== null };
  }

  /** Every node and device currently online, as [group, node, device | null]. */
  online(): [string, string, string | null][] {
    const result: [string, string, string | null][] = [];
    for (const [key, session] of this.nodes) {
      if (!session.online) continue;
      const [group = '', node = ''] = key.split('/');
      result.push([group, node, null]);
      for (const [device, state] of session.devices) if (state.online) result.push([group, node, device]);
    }
    return result;
  }

  private nodeBirth(key: string, previous: NodeSession | undefined, payload: DecodedPayload): Handled {
    const metrics = definitions(payload.metrics, key);
    if (typeof metrics === 'string') return rejected('bad-field', metrics, true);
    const bdSeq = bdSeqOf(payload.metrics);
    this.nodes.set(key, { bdSeq, seq: payload.seq ?? 0, online: true, metrics, devices: new Map() });
    return { outcome: { kind: 'metrics', metrics: resolved(payload.metrics, metrics), birth: true, cameOnline: !previous?.online }, gap: null, rebirth: false };
  }
}

function nodeDeath(session: NodeSession | undefined, payload: DecodedPayload): Handled {
  const bdSeq = bdSeqOf(payload.metrics);
  if (!session?.online) return { outcome: { kind: 'ignored', reason: 'a death of an edge node not online' }, gap: null, rebirth: false };
  if (session.bdSeq !== null && bdSeq !== session.bdSeq) {
    return { outcome: { kind: 'ignored', reason: `a stale death (bdSeq ${String(bdSeq)}, the current birth has ${session.bdSeq})` }, gap: null, rebirth: false };
  }
  session.online = false;
  const devices = [...session.devices].filter(([, device]) => device.online).map(([name]) => name);
  for (const device of session.devices.values()) device.online = false;
  return { outcome: { kind: 'death', devices, wasOnline: true }, gap: null, rebirth: false };
}

/** Moves the node's seq on; returns the gap when the message's seq is not the next one. */
function nextSeq(session: NodeSession, seq: number | null): Handled['gap'] {
  const expected = (session.seq + 1) % 256;
  if (seq !== null) session.seq = seq;
  return seq === expected ? null : { expected, received: seq };
}

function bdSeqOf(metrics: readonly DecodedMetric[]): number | null {
  const value = metrics.find((metric) => metric.name === 'bdSeq')?.value;
  return typeof value === 'number' ? value : null;
}

/** A birth's metric definitions, or a sentence saying why the birth is refused. */
function definitions(metrics: readonly DecodedMetric[], where: string): Definitions | string {
  const byAlias = new Map<number, MetricDefinition>();
  const byName = new Map<string, MetricDefinition>();
  for (const metric of metrics) {
    if (metric.name === null) return `the birth of ${where} holds a metric without a name (alias ${String(metric.alias)})`;
    const definition: MetricDefinition = { name: metric.name, type: metric.type, unit: metric.unit };
    if (metric.alias !== null) {
      if (byAlias.has(metric.alias)) return `the birth of ${where} gives alias ${metric.alias} to two metrics`;
      byAlias.set(metric.alias, definition);
    }
    byName.set(metric.name, definition);
  }
  return { byAlias, byName };
}

/** A birth's own values, read against the definitions it just made. */
function resolved(metrics: readonly DecodedMetric[], target: Definitions): ResolvedMetric[] {
  return metrics.map((metric) => ({ ...(target.byName.get(metric.name as string) as MetricDefinition), value: metric.value, quality: metric.quality, timestamp: metric.timestamp }));
}

/** Data metrics by alias (or name) through the last birth, or a sentence naming the one not defined. */
function resolve(metrics: readonly DecodedMetric[], target: Definitions, where: string): ResolvedMetric[] | string {
  const result: ResolvedMetric[] = [];
  for (const metric of metrics) {
    const definition = metric.alias !== null ? target.byAlias.get(metric.alias) : target.byName.get(metric.name as string);
    if (!definition) {
      return metric.alias !== null ? `alias ${metric.alias} was not defined by the last birth of ${where}` : `metric "${metric.name}" was not defined by the last birth of ${where}`;
    }
    if (metric.type !== null && definition.type !== null && metric.type !== definition.type) {
      return `metric "${definition.name}" of ${where} came as ${metric.type}; its birth declared ${definition.type}`;
    }
    result.push({ ...definition, unit: metric.unit ?? definition.unit, value: metric.value, quality: metric.quality, timestamp: metric.timestamp });
  }
  return result;
}
