/**
 * The PDF incident report: one pass over the filtered events (the same export chain as an
 * NDJSON export, so the report's head hash is that export's), counts by type and priority,
 * the alarms, the first rows for the events table, and each equipment's state at the start
 * and at the end of the range by replay. The HTML (shared/audit/reportHtml.ts) is printed by
 * `renderPdf` and written through a temporary file like every export.
 */
import type { Priority, StoredEvent } from '../../shared/events/event';
import { PRIORITIES } from '../../shared/events/event';
import { applyEvent, EQUIPMENT_EVENT_TYPES, type EquipmentState } from '../../shared/domain/equipment';
import { ExportChain } from '../../shared/audit/exportFormat';
import { incidentReportHtml, type EquipmentSummary, type IncidentReport, type ReportEventRow } from '../../shared/audit/reportHtml';
import type { EventStore } from '../../shared/store/eventStore';
import { AtomicFileWriter } from './atomicFile';
import { localIdentity } from './exporter';
import { recordExport, type ExportOptionsBase, type ExportProgress, type ExportResult } from './exportLog';
import type { RenderPdf } from './renderPdf';
import { exportPages } from './storePages';

export interface PdfExportOptions extends ExportOptionsBase {
  readonly renderPdf: RenderPdf;
  /** Rows of the events table at most (default 5,000); the report says how many were left out. */
  readonly maxRows?: number;
  /** Alarm rows at most (default 1,000). */
  readonly maxAlarms?: number;
  readonly title?: string;
}

const SUMMARY_CHARS = 160;

function rowOf(event: StoredEvent): ReportEventRow {
  const payload = JSON.stringify(event.payload);
  return {
    seq: event.seq,
    timestamp: event.timestamp,
    type: event.type,
    priority: event.priority,
    status: event.status,
    source: event.source,
    summary: payload.length > SUMMARY_CHARS ? `${payload.slice(0, SUMMARY_CHARS - 1)}…` : payload,
    ...(event.subject === undefined ? {} : { subject: event.subject }),
  };
}

function summary(state: EquipmentState | undefined): EquipmentSummary | null {
  if (!state) return null;
  const { status, statusSince, eventCount, outOfSpecCount, failedCheckCount, currentOrderId } = state;
  return { status, statusSince, eventCount, outOfSpecCount, failedCheckCount, currentOrderId };
}

/** Every equipment's state by replay up to `toSeq` and `toTime` (only `subject`'s when given). */
async function equipmentStates(store: EventStore, bounds: { toSeq: number; toTime?: number; subject?: string }) {
  const { state } = await store.replay<Map<string, EquipmentState>>({
    types: [...EQUIPMENT_EVENT_TYPES],
    initial: new Map(),
    toSeq: bounds.toSeq,
    ...(bounds.toTime === undefined ? {} : { toTime: bounds.toTime }),
    ...(bounds.subject === undefined ? {} : { subject: bounds.subject }),
    reducer: (states, event) => {
      if (event.subject !== undefined) states.set(event.subject, applyEvent(states.get(event.subject), event));
      return states;
    },
  });
  return state;
}

export async function exportPdfReport(options: PdfExportOptions): Promise<ExportResult> {
  const filters = options.filters ?? {};
  const { store, signal } = options;
  const maxRows = options.maxRows ?? 5_000;
  const maxAlarms = options.maxAlarms ?? 1_000;
  signal?.throwIfAborted();
  const untilSeq = await store.headSeq();
  const chain = new ExportChain();
  const byType = new Map<string, number>();
  const byPriority = new Map<Priority, number>();
  const alarms: ReportEventRow[] = [];
  const rows: ReportEventRow[] = [];
  let alarmCount = 0;
  const progress = (phase: ExportProgress['phase'], bytes = 0) => options.onProgress?.({ phase, events: chain.count, total: null, bytes });
  for await (const page of exportPages(store, filters, untilSeq, signal)) {
    for (const event of page) {
      chain.line(event);
      byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
      byPriority.set(event.priority, (byPriority.get(event.priority) ?? 0) + 1);
      if (event.type.startsWith('alarm.')) {
        alarmCount += 1;
        if (alarms.length < maxAlarms) alarms.push(rowOf(event));
      }
      if (rows.length < maxRows) rows.push(rowOf(event));
    }
    progress('writing');
  }
  const subject = filters.subject === undefined ? {} : { subject: filters.subject };
  const [start, end] = await Promise.all([
    filters.from === undefined ? Promise.resolve(new Map<string, EquipmentState>()) : equipmentStates(store, { toSeq: untilSeq, toTime: filters.from - 1, ...subject }),
    equipmentStates(store, { toSeq: untilSeq, ...(filters.to === undefined ? {} : { toTime: filters.to }), ...subject }),
  ]);
  signal?.throwIfAborted();
  const identity = localIdentity(options.identity);
  const manifest = chain.manifest({ ...identity, filters, exportedAt: new Date((options.now ?? Date.now)()).toISOString() });
  const report: IncidentReport = {
    title: options.title ?? 'Incident report',
    manifest,
    byType: [...byType].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    byPriority: [...PRIORITIES].reverse().flatMap((p) => (byPriority.has(p) ? [[p, byPriority.get(p)!] as const] : [])),
    alarms,
    alarmsTruncated: alarmCount > alarms.length,
    equipment: [...new Set([...start.keys(), ...end.keys()])].sort().map((id) => ({ id, start: summary(start.get(id)), end: summary(end.get(id)) })),
    events: rows,
    eventsLeftOut: chain.count - rows.length,
  };
  progress('rendering');
  const pdf = await options.renderPdf(incidentReportHtml(report));
  signal?.throwIfAborted();
  const writer = await AtomicFileWriter.open(options.out, { overwrite: options.overwrite ?? false, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  try {
    await writer.writeBytes(pdf);
    await writer.commit();
  } catch (error) {
    await writer.discard();
    throw error;
  }
  progress('done', writer.bytes);
  const recordedEventId = await recordExport(options, { format: 'pdf', manifest });
  return { format: 'pdf', file: options.out, count: chain.count, headHash: chain.headHash, manifest, bytes: writer.bytes, ...(recordedEventId ? { recordedEventId } : {}) };
}
