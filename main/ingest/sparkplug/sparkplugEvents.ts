/**
 * From what an edge node said to the console's events, through the mapping rules: readings
 * as `equipment.telemetry.recorded` (one event per equipment and message, with `units` and
 * each metric's `quality` where the metrics carry them) or `quality.measurement.recorded`
 * (one per metric), deaths and births as `equipment.status.changed` (offline, back to
 * running), a broken `seq` as `ingest.sequence.gap.detected`.
 */
import type { JsonObject } from '../../../shared/events/event';
import type { PublishInput } from '../../../shared/events/validate';
import type { CompleteRule, SparkplugEventType, ValidSparkplugSettings } from '../../../shared/ingest/sparkplugSettings';
import { isControlMetric, type ResolvedMetric } from './edgeNodes';
import type { SparkplugTopic } from './topic';

export const SEQUENCE_GAP_DETECTED = 'ingest.sequence.gap.detected';
export const OFFLINE_STATUS = 'offline';

interface Target {
  readonly equipmentId: string;
  readonly lineId: string;
  readonly type: SparkplugEventType;
}

function matches(pattern: string | undefined, value: string | null): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (value === null) return pattern === '-';
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

function fill(template: string, group: string, node: string, device: string | null): string {
  return template.replaceAll('{group}', group).replaceAll('{node}', node).replaceAll('{device}', device ?? node);
}

/** Where a metric goes (null: ignored); `metric` null asks about the node or device itself. */
export function targetOf(rules: readonly CompleteRule[], group: string, node: string, device: string | null, metric: string | null): Target | null {
  const rule = rules.find(
    (candidate) =>
      matches(candidate.group, group) &&
      matches(candidate.node, node) &&
      matches(candidate.device, device) &&
      (metric === null ? candidate.metric === undefined || candidate.metric === '*' : matches(candidate.metric, metric)),
  );
  if (!rule || rule.ignore) return null;
  return { equipmentId: fill(rule.equipmentId, group, node, device), lineId: fill(rule.lineId, group, node, device), type: rule.type };
}

/** The OPC quality word of a Sparkplug `Quality` property. */
function qualityWord(code: number): string {
  return code >= 192 ? 'good' : code >= 64 ? 'uncertain' : 'bad';
}

export interface Provenance {
  readonly topic: SparkplugTopic;
  readonly topicName: string;
  readonly seq: number | null;
  readonly receivedAt: number;
  readonly timestamp: number;
}

function metadataOf(from: Provenance): JsonObject {
  const { group, node, device, type } = from.topic;
  return { ingest: { origin: 'sparkplug', topic: from.topicName, group, node, device, message: type, seq: from.seq, receivedAt: from.receivedAt } };
}

export function metricEvents(settings: ValidSparkplugSettings, metrics: readonly ResolvedMetric[], from: Provenance): PublishInput[] {
  const { group, node, device } = from.topic;
  const telemetry = new Map<string, { target: Target; payload: Record<string, unknown>; units: Record<string, string>; quality: Record<string, string> }>();
  const events: PublishInput[] = [];
  for (const metric of metrics) {
    if (isControlMetric(metric.name)) continue;
    const target = targetOf(settings.rules, group, node, device, metric.name);
    if (target === null) continue;
    if (target.type === 'quality.measurement.recorded') {
      if (typeof metric.value !== 'number') continue;
      const payload = { lineId: target.lineId, equipmentId: target.equipmentId, parameter: metric.name, value: metric.value, ...(metric.unit ? { unit: metric.unit } : {}) };
      events.push({ type: target.type, payload, source: settings.source, timestamp: metric.timestamp ?? from.timestamp, metadata: metadataOf(from) });
      continue;
    }
    const key = `${target.lineId}\u0000${target.equipmentId}`;
    let entry = telemetry.get(key);
    if (!entry) {
      entry = { target, payload: { lineId: target.lineId, equipmentId: target.equipmentId }, units: {}, quality: {} };
      telemetry.set(key, entry);
    }
    if (metric.name === 'lineId' || metric.name === 'equipmentId' || metric.name === 'units' || metric.name === 'quality') continue;
    entry.payload[metric.name] = metric.value;
    if (metric.unit) entry.units[metric.name] = metric.unit;
    if (metric.quality !== null) entry.quality[metric.name] = qualityWord(metric.quality);
  }
  for (const { target, payload, units, quality } of telemetry.values()) {
    if (Object.keys(units).length > 0) payload.units = units;
    if (Object.keys(quality).length > 0) payload.quality = quality;
    events.push({ type: target.type, payload: payload as JsonObject, source: settings.source, timestamp: from.timestamp, metadata: metadataOf(from) });
  }
  return events;
}

/** `equipment.status.changed` for the node's or device's equipment, if the mapping keeps it. */
export function statusEvent(settings: ValidSparkplugSettings, device: string | null, online: boolean, from: Provenance): PublishInput | null {
  const target = targetOf(settings.rules, from.topic.group, from.topic.node, device, null);
  if (target === null) return null;
  const what = device === null ? `edge node ${from.topic.node}` : `device ${device}`;
  const payload = {
    lineId: target.lineId,
    equipmentId: target.equipmentId,
    newStatus: online ? 'running' : OFFLINE_STATUS,
    reason: online ? `Sparkplug ${from.topic.type}: ${what} is online` : `Sparkplug ${from.topic.type}: ${what} went offline`,
  };
  return { type: 'equipment.status.changed', payload, source: settings.source, priority: online ? 'NORMAL' : 'HIGH', timestamp: from.timestamp, metadata: metadataOf(from) };
}

export function gapEvent(settings: ValidSparkplugSettings, connection: string, gap: { expected: number; received: number | null }, from: Provenance): PublishInput {
  const { group, node } = from.topic;
  const payload = { subject: `sparkplug:${group}/${node}`, connection, group, node, topic: from.topicName, expected: gap.expected, received: gap.received };
  return { type: SEQUENCE_GAP_DETECTED, payload, source: settings.source, priority: 'HIGH', timestamp: from.receivedAt, metadata: metadataOf(from) };
}
