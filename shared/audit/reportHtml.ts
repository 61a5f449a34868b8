/**
 * The incident report as one self-contained HTML page (inline CSS, no scripts, no external
 * resources), for Chromium to print to PDF: the filters, counts by type and priority, the
 * alarms in the range, each equipment's state at the start and at the end, the events table
 * (capped), and the manifest's head hash for the chain of custody. Every text is escaped.
 */
import type { JsonValue, Priority } from '../events/event';
import type { ExportManifest } from './exportFormat';

export interface ReportEventRow {
  readonly seq: number;
  readonly timestamp: number;
  readonly type: string;
  readonly priority: Priority;
  readonly status: string;
  readonly subject?: string;
  readonly source: string;
  readonly summary: string;
}

export interface EquipmentSummary {
  readonly status: string;
  readonly statusSince: number | null;
  readonly eventCount: number;
  readonly outOfSpecCount: number;
  readonly failedCheckCount: number;
  readonly currentOrderId: string | null;
}

export interface IncidentReport {
  readonly title: string;
  readonly manifest: ExportManifest;
  readonly byType: readonly (readonly [string, number])[];
  readonly byPriority: readonly (readonly [Priority, number])[];
  readonly alarms: readonly ReportEventRow[];
  readonly alarmsTruncated: boolean;
  readonly equipment: readonly { readonly id: string; readonly start: EquipmentSummary | null; readonly end: EquipmentSummary | null }[];
  readonly events: readonly ReportEventRow[];
  /** Rows left out of the events table beyond its cap. */
  readonly eventsLeftOut: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const time = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC') : '—');
const cell = (text: string | number) => `<td>${escapeHtml(String(text))}</td>`;

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[], empty: string, widths?: readonly number[]): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const cols = widths ? `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>` : '';
  return `<table${widths ? ' class="fixed"' : ''}>${cols}<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function filterText(value: JsonValue): string {
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

const eventRow = (e: ReportEventRow) => [e.seq, time(e.timestamp), e.type, e.priority, e.status, e.subject ?? '', e.source, e.summary];
const EVENT_HEAD = ['seq', 'time', 'type', 'priority', 'status', 'subject', 'source', 'payload'];
const EVENT_WIDTHS = [5, 12, 16, 8, 9, 9, 9, 32];

function stateCells(state: EquipmentSummary | null): string[] {
  return state ? [state.status, time(state.statusSince), String(state.eventCount)] : ['—', '—', '0'];
}

export function incidentReportHtml(report: IncidentReport): string {
  const m = report.manifest;
  const filters = Object.entries(m.filters).map(([key, value]) => [key, key === 'from' || key === 'to' ? time(value as number) : filterText(value)]);
  const total = report.byType.reduce((sum, [, n]) => sum + n, 0);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title><style>
body{font:10pt system-ui,sans-serif;color:#111;margin:0}
h1{font-size:16pt;margin:0 0 4pt}h2{font-size:12pt;margin:14pt 0 4pt;border-bottom:1px solid #999}
@page{size:A4 landscape}
table{border-collapse:collapse;width:100%;font-size:8pt}table.fixed{table-layout:fixed}th,td{border:1px solid #bbb;padding:2pt 3pt;text-align:left;vertical-align:top;word-break:break-word}
th{background:#eee}.hash{font:8.5pt monospace;white-space:nowrap}.empty{color:#555;font-style:italic}dl{display:grid;grid-template-columns:max-content auto;gap:2pt 10pt;margin:0}dt{font-weight:600}
</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
<dl><dt>Events</dt><dd>${m.count}</dd><dt>Range</dt><dd>${escapeHtml(time(m.firstTimestamp))} – ${escapeHtml(time(m.lastTimestamp))} (seq ${m.firstSeq ?? '—'}–${m.lastSeq ?? '—'})</dd>
<dt>Exported</dt><dd>${escapeHtml(m.exportedAt)} by ${escapeHtml(m.exportedBy)} on ${escapeHtml(m.workstation)} (version ${escapeHtml(m.appVersion)})</dd></dl>
<h2>Filters</h2>${table(['filter', 'value'], filters, 'None: every event up to the export.')}
<h2>Events by type</h2>${table(['type', 'count'], [...report.byType, ['total', total]], 'No events.')}
<h2>Events by priority</h2>${table(['priority', 'count'], report.byPriority, 'No events.')}
<h2>Alarms in the range</h2>${table(EVENT_HEAD, report.alarms.map(eventRow), 'No alarm events in the range.', EVENT_WIDTHS)}${report.alarmsTruncated ? '<p class="empty">More alarm events are in the range than are listed here.</p>' : ''}
<h2>Equipment state at the start and at the end</h2>${table(
    ['equipment', 'status at start', 'since', 'events before', 'status at end', 'since', 'events by end'],
    report.equipment.map((e) => [e.id, ...stateCells(e.start), ...stateCells(e.end)]),
    'No equipment events.',
  )}
<h2>Events</h2>${table(EVENT_HEAD, report.events.map(eventRow), 'No events.', EVENT_WIDTHS)}${
    report.eventsLeftOut > 0 ? `<p class="empty">${report.eventsLeftOut} more events are in the range; the table lists the first ${report.events.length}. The NDJSON or CSV export holds them all.</p>` : ''
  }
<h2>Chain of custody</h2>
<dl><dt>Head hash</dt><dd class="hash">${escapeHtml(m.headHash)}</dd><dt>Manifest hash</dt><dd class="hash">${escapeHtml(m.hash)}</dd><dt>Format</dt><dd>${escapeHtml(m.format)} v${m.formatVersion}</dd></dl>
<p>The head hash is that of an NDJSON export with the same filters made from the same store; "npm run audit -- verify FILE" on such an export prints it.</p>
</body></html>`;
}
