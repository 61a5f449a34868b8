/**
 * Who and what an export records about itself: the application version, the OS user and the
 * workstation; and the `audit.log.exported` event that every export leaves in the store.
 */
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename } from 'node:path';
import type { PlantEvent } from '../../shared/events/event';
import { createEvent } from '../../shared/events/create';
import { filtersJson, type ExportFilters } from '../../shared/audit/exportFormat';

export interface ExporterIdentity {
  readonly appVersion: string;
  readonly exportedBy: string;
  readonly workstation: string;
}

function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export function localIdentity(overrides: Partial<ExporterIdentity> = {}): ExporterIdentity {
  return {
    appVersion: overrides.appVersion ?? packageVersion(),
    exportedBy: overrides.exportedBy ?? osUser(),
    workstation: overrides.workstation ?? hostname(),
  };
}

export const AUDIT_EXPORTED_TYPE = 'audit.log.exported';
export const AUDIT_SOURCE = 'audit';

export interface ExportRecord {
  readonly format: string;
  readonly file: string;
  readonly filters: ExportFilters;
  readonly count: number;
  readonly headHash: string;
  readonly manifestHash: string;
  readonly exportedBy: string;
  readonly workstation: string;
}

/** The `audit.log.exported` event of a finished export (status PUBLISHED, ready to append). */
export function exportedEvent(record: ExportRecord): PlantEvent {
  const event = createEvent(
    AUDIT_EXPORTED_TYPE,
    {
      format: record.format,
      fileName: basename(record.file),
      file: record.file,
      filters: filtersJson(record.filters),
      count: record.count,
      headHash: record.headHash,
      manifestHash: record.manifestHash,
      exportedBy: record.exportedBy,
      workstation: record.workstation,
    },
    { source: AUDIT_SOURCE },
  );
  return { ...event, status: 'PUBLISHED' };
}
