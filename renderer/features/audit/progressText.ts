/**
 * An audit job's progress as the operator reads it. Each operation reports its own shape
 * (export: events and bytes; file verification: bytes read; store verification: events
 * checked; import: bytes, records and counts); it arrives as `unknown` and is read
 * defensively. Pure.
 */
import type { AuditJob } from '../../../shared/api/contractAudit';
import { formatCount } from '../../common/format';

export interface ProgressView {
  /** 0–100 when the total is known, else null (an indeterminate bar). */
  readonly percent: number | null;
  readonly text: string;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1_024) return `${bytes} B`;
  if (bytes < 1_048_576) return `${(bytes / 1_024).toFixed(1)} KiB`;
  if (bytes < 1_073_741_824) return `${(bytes / 1_048_576).toFixed(1)} MiB`;
  return `${(bytes / 1_073_741_824).toFixed(2)} GiB`;
}

const num = (record: Record<string, unknown>, key: string): number | null => {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};
const percentOf = (done: number, total: number | null) => (total && total > 0 ? Math.min(100, (100 * done) / total) : null);

export function describeProgress(kind: AuditJob['kind'], progress: unknown): ProgressView {
  if (progress === null || progress === undefined) return { percent: null, text: 'Starting…' };
  if (typeof progress === 'number') {
    if (kind === 'verifyStore') return { percent: null, text: `${formatCount(progress)} events checked` };
    return { percent: null, text: `${formatBytes(progress)} read` };
  }
  if (typeof progress !== 'object') return { percent: null, text: 'Working…' };
  const p = progress as Record<string, unknown>;
  if (kind === 'import') {
    const read = num(p, 'bytesRead') ?? 0;
    const total = num(p, 'totalBytes');
    const phase = p.phase === 'validating' ? 'Checking' : 'Importing';
    return {
      percent: percentOf(read, total),
      text: `${phase}: ${formatBytes(read)}${total ? ` of ${formatBytes(total)}` : ''}, ${formatCount(num(p, 'records') ?? 0)} records, ${formatCount(num(p, 'imported') ?? 0)} imported, ${formatCount(num(p, 'skippedDuplicates') ?? 0)} already present`,
    };
  }
  const events = num(p, 'events') ?? 0;
  const total = num(p, 'total');
  const bytes = num(p, 'bytes') ?? 0;
  const phase = p.phase === 'counting' ? 'Counting' : p.phase === 'rendering' ? 'Printing the report' : p.phase === 'done' ? 'Done' : 'Writing';
  return { percent: percentOf(events, total), text: `${phase}: ${formatCount(events)}${total !== null ? ` of ${formatCount(total)}` : ''} events, ${formatBytes(bytes)}` };
}
