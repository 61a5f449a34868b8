/**
 * The audit export request as the Audit view builds it: its filters (typed in the view, or
 * taken from the timeline's current filter), a summary of them for the operator, the target
 * path's checks. Pure.
 */
import type { ArgsOf } from '../../../shared/api/contract';
import { formatTime, fromLocalInput } from '../../common/format';
import { patternProblem, toQuery, type TimelineFilter } from '../timeline/filterModel';

export type ExportRequest = ArgsOf<'audit.export'>[0];
export type ExportFormatId = ExportRequest['format'];
export type RequestFilters = NonNullable<ExportRequest['filters']>;

export const FORMATS: readonly { readonly id: ExportFormatId; readonly label: string; readonly extension: string }[] = [
  { id: 'ndjson', label: 'NDJSON (verifiable, importable)', extension: '.ndjson' },
  { id: 'csv', label: 'CSV (spreadsheets)', extension: '.csv' },
  { id: 'cloudevents', label: 'CloudEvents 1.0, one per line (streams, other systems)', extension: '.ndjson' },
  { id: 'cloudevents-batch', label: 'CloudEvents 1.0 batch (a JSON array, small selections)', extension: '.json' },
  { id: 'pdf', label: 'PDF incident report', extension: '.pdf' },
];

/** The timeline's filter as export filters, as of `now`; what an export cannot filter by is named in `notApplied`. */
export function exportFiltersOfTimeline(filter: TimelineFilter, now: number): { filters: RequestFilters; notApplied: string[] } {
  const query = toQuery(filter, now);
  const filters: { -readonly [K in keyof RequestFilters]: RequestFilters[K] } = {};
  if (query.from !== undefined) filters.from = query.from;
  if (query.to !== undefined) filters.to = query.to;
  if (query.types?.length) filters.types = [...query.types];
  if (query.subject) filters.subject = query.subject;
  if (query.sources?.length) filters.sources = [...query.sources];
  if (query.priorities?.length) filters.priorities = [...query.priorities];
  if (query.correlationId) filters.correlationId = query.correlationId;
  if (query.text) filters.text = query.text;
  const notApplied = filter.statuses.length ? [`status (${filter.statuses.join(', ')}): an audit export holds every status`] : [];
  return { filters, notApplied };
}

/** One line per filter, for the operator to read before exporting. */
export function describeFilters(filters: RequestFilters): string[] {
  const lines: string[] = [];
  if (filters.from !== undefined || filters.to !== undefined) lines.push(`Time: ${formatTime(filters.from ?? null)} to ${filters.to === undefined ? 'now' : formatTime(filters.to)}`);
  if (filters.types?.length) lines.push(`Types: ${filters.types.join(', ')}`);
  if (filters.subject) lines.push(`Subject: ${filters.subject}`);
  if (filters.sources?.length) lines.push(`Sources: ${filters.sources.join(', ')}`);
  if (filters.priorities?.length) lines.push(`Priorities: ${filters.priorities.join(', ')}`);
  if (filters.correlationId) lines.push(`Correlation id: ${filters.correlationId}`);
  if (filters.text) lines.push(`Text in the payload: ${filters.text}`);
  return lines;
}

/** The same check main applies: a POSIX absolute path or a Windows drive path. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

/** `path` with the extension of `format` when it ends with another format's extension. */
export function withFormatExtension(path: string, format: ExportFormatId): string {
  const wanted = FORMATS.find((f) => f.id === format)?.extension ?? '';
  for (const { extension } of FORMATS) {
    if (path.toLowerCase().endsWith(extension)) return path.slice(0, path.length - extension.length) + wanted;
  }
  return path;
}

/** The Audit view's own filter fields, as typed. */
export interface FilterDraft {
  readonly types: string;
  readonly subject: string;
  readonly from: string;
  readonly to: string;
}

export const EMPTY_DRAFT: FilterDraft = { types: '', subject: '', from: '', to: '' };

/** The typed fields as export filters, or what is wrong with them. */
export function filtersOfDraft(draft: FilterDraft): { filters: RequestFilters; problem: string | null } {
  const filters: { -readonly [K in keyof RequestFilters]: RequestFilters[K] } = {};
  const types = draft.types.split(',').map((t) => t.trim()).filter(Boolean);
  if (types.length) filters.types = types;
  if (draft.subject.trim()) filters.subject = draft.subject.trim();
  const from = fromLocalInput(draft.from);
  const to = fromLocalInput(draft.to);
  if (from !== null) filters.from = from;
  if (to !== null) filters.to = to;
  const bad = patternProblem(types);
  if (bad) return { filters, problem: `Type pattern ${bad}` };
  if (from !== null && to !== null && from > to) return { filters, problem: 'The time range ends before it starts' };
  return { filters, problem: null };
}
