/**
 * The compare view in sentences: an equipment diff (field paths, JSON before and after) told
 * as an operator would say it, "cnc-1: idle → running at 08:11:22, order PO-7", each with the
 * events that caused it. Bookkeeping (sample times, units) is left out. Pure.
 */
import type { EquipmentDiff, EventRef, FieldChange } from '../../../shared/domain/equipmentDiff';
import type { MeasurementState } from '../../../shared/domain/equipment';
import type { JsonValue } from '../../../shared/events/event';
import { formatClock } from '../../common/format';
import { formatReading } from '../../common/units';

export interface DiffSentence {
  readonly text: string;
  /** The causing events, oldest first (at most `MAX_CAUSES`, the latest). */
  readonly causes: readonly EventRef[];
  readonly causeCount: number;
}

export const MAX_CAUSES = 3;

/** Paths that never make a sentence of their own. */
const SILENT = [/^lastTelemetry\.at$/, /^telemetryUnits\./, /^statusSince$/, /^availability\.(?!ratio$)/, /^lastMeasurements\.[^.]+\.(at|unit)$/];

const shown = (v: JsonValue | undefined): string => (v === null || v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));
const percent = (v: JsonValue | undefined) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : 'unknown');
const isEmptyObject = (v: JsonValue) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
const named = (id: string | null | undefined) => (id ? `${id} ` : '');
const spec = (m: MeasurementState | undefined) => (m?.isWithinSpec === false ? 'out of spec' : m?.isWithinSpec === true ? 'in spec' : null);

/** A group of changed paths that reads as one sentence, keyed by what it is about. */
function topicOf(path: string): string {
  if (path === 'status' || path === 'reason') return 'status';
  const measurement = /^lastMeasurements\.([^.]+)\./.exec(path);
  if (measurement) return `measurement:${measurement[1]}`;
  if (path.startsWith('maintenance.scheduled')) return 'maintenance.scheduled';
  if (path.startsWith('maintenance.lastCompleted')) return 'maintenance.completed';
  return path;
}

function sentenceOf(topic: string, diff: EquipmentDiff, changes: readonly FieldChange[]): string {
  const id = diff.equipmentId;
  const { before, after } = diff;
  if (topic === 'status') {
    const order = after.currentOrderId ? `, order ${after.currentOrderId}` : '';
    const why = after.reason ? ` (${after.reason})` : '';
    if (before.status === after.status) return `${id}: still ${after.status}, reason now ${shown(after.reason)}`;
    const at = after.statusSince === null ? '' : ` at ${formatClock(after.statusSince, true)}`;
    return `${id}: ${before.status} → ${after.status}${at}${order}${why}`;
  }
  if (topic.startsWith('measurement:')) {
    const name = topic.slice('measurement:'.length);
    const was = before.lastMeasurements[name];
    const now = after.lastMeasurements[name];
    const unit = now?.unit ?? was?.unit;
    const values = was ? `${formatReading(was.value, unit)} → ${formatReading(now?.value, unit)}` : `first measured ${formatReading(now?.value, unit)}`;
    const specs = spec(was) !== spec(now) && spec(now) ? ` (${spec(was) ? `${spec(was)} → ` : ''}${spec(now)})` : '';
    return `${id}: ${name} ${values}${specs}`;
  }
  if (topic === 'currentOrderId') {
    if (!before.currentOrderId) return `${id}: order ${shown(after.currentOrderId)} started`;
    if (!after.currentOrderId) return `${id}: order ${before.currentOrderId} finished`;
    return `${id}: order ${before.currentOrderId} → order ${after.currentOrderId}`;
  }
  if (topic.startsWith('lastTelemetry.')) {
    const name = topic.slice('lastTelemetry.'.length);
    const unit = after.telemetryUnits?.[name] ?? before.telemetryUnits?.[name];
    const number = (v: JsonValue | undefined) => (typeof v === 'number' ? formatReading(v, unit) : 'none');
    return `${id}: ${name} ${number(changes[0]?.before)} → ${number(changes[0]?.after)}`;
  }
  if (topic === 'outOfSpecCount') return `${id}: ${after.outOfSpecCount - before.outOfSpecCount} more out-of-spec measurements (${after.outOfSpecCount} in all)`;
  if (topic === 'failedCheckCount') return `${id}: ${after.failedCheckCount - before.failedCheckCount} more failed quality checks (${after.failedCheckCount} in all)`;
  if (topic === 'availability.ratio') return `${id}: availability ${percent(before.availability?.ratio)} → ${percent(after.availability?.ratio)}`;
  if (topic === 'maintenance.scheduled') {
    const s = after.maintenance.scheduled;
    return s ? `${id}: maintenance ${named(s.maintenanceId)}scheduled` : `${id}: scheduled maintenance no longer pending`;
  }
  if (topic === 'maintenance.completed') return `${id}: maintenance ${named(after.maintenance.lastCompleted?.maintenanceId)}completed`;
  const change = changes[0];
  return `${id}: ${topic.replace(/\./g, ' ')} ${shown(change?.before)} → ${shown(change?.after)}`;
}

/** The diff as sentences, in the order its fields changed in the state (status first). */
export function diffSentences(diff: EquipmentDiff): DiffSentence[] {
  const topics = new Map<string, FieldChange[]>();
  for (const change of diff.changes) {
    // An empty object before or after is a group of fields appearing (the first measurement): its fields tell it.
    if (SILENT.some((re) => re.test(change.path)) || isEmptyObject(change.before) || isEmptyObject(change.after)) continue;
    const topic = topicOf(change.path);
    topics.set(topic, [...(topics.get(topic) ?? []), change]);
  }
  return [...topics].map(([topic, changes]) => {
    const byId = new Map<string, EventRef>();
    for (const c of changes) for (const ref of c.causes) byId.set(ref.id, ref);
    const causes = [...byId.values()].sort((a, b) => a.seq - b.seq);
    return { text: sentenceOf(topic, diff, changes), causes: causes.slice(-MAX_CAUSES), causeCount: Math.max(causes.length, ...changes.map((c) => c.causeCount)) };
  });
}
