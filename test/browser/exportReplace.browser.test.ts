// The export form's half of "writing over an existing file asks first", in real Chromium with
// a fake window.plant that answers as main does: an export onto an existing file fails with
// error code `exists`; the form then asks "Replace <name>?" and, only when the operator
// agrees, exports again with `overwrite: true`. Keeping the file exports nothing more.
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { PlantApi } from '../../shared/api/plantApi';
import type { ExportResult } from '../../shared/audit/results';
import { SettingsProvider } from '../../renderer/app/settings';
import { ErrorsProvider } from '../../renderer/common/ErrorsProvider';
import { PlantProvider } from '../../renderer/common/usePlant';
import { ExportForm } from '../../renderer/features/audit/ExportForm';
import { useAuditJob } from '../../renderer/features/audit/useAuditJob';

const TARGET = '/srv/exports/shift-a.ndjson';
let root: Root | null = null;

afterEach(() => {
  root?.unmount();
  root = null;
  document.body.innerHTML = '';
});

function fakePlant(requests: unknown[]): PlantApi {
  const result: ExportResult = { file: TARGET, format: 'ndjson', count: 12, bytes: 3_456, headHash: 'ab'.repeat(32), recordedEventId: null } as unknown as ExportResult;
  const exists = () => Object.assign(new Error(`audit.export: ${TARGET} exists already; export with overwrite to replace it`), { code: 'exists' });
  return {
    audit: {
      status: async () => ({ running: false, kind: null, target: null, progress: null, result: null, error: null }),
      cancel: async () => true,
      export: async (request: { overwrite?: boolean }) => {
        requests.push(request);
        if (!request.overwrite) throw exists();
        return result;
      },
    },
    settings: { get: async () => ({}), set: async () => true },
  } as unknown as PlantApi;
}

function Form() {
  return createElement(ExportForm, { control: useAuditJob(), filters: {} });
}

function render(plant: PlantApi): void {
  const host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  const form = createElement(PlantProvider, { plant, children: createElement(Form) });
  root.render(createElement(ErrorsProvider, { children: createElement(SettingsProvider, { plant, initial: {}, children: form }) }));
}

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);

async function exportOntoExistingFile(): Promise<unknown[]> {
  const requests: unknown[] = [];
  render(fakePlant(requests));
  await vi.waitFor(() => expect(byTestId('export-path')).not.toBeNull());
  await userEvent.type(byTestId('export-path') as HTMLElement, TARGET);
  await userEvent.click(byTestId('export-run') as HTMLElement);
  await vi.waitFor(() => expect(byTestId('replace-file-dialog')).not.toBeNull());
  return requests;
}

describe('export onto an existing file', () => {
  test('asks "Replace <name>?" naming the folder, and replaces only when told to', async () => {
    const requests = await exportOntoExistingFile();
    expect(byTestId('replace-file-dialog')?.textContent).toContain('Replace shift-a.ndjson?');
    expect(byTestId('replace-file-dialog')?.textContent).toContain('already exists in /srv/exports');
    expect(byTestId('export-error')).toBeNull();
    await userEvent.click(byTestId('replace-file-confirm') as HTMLElement);
    await vi.waitFor(() => expect(byTestId('export-result')?.getAttribute('data-file')).toBe(TARGET));
    expect(requests).toEqual([expect.not.objectContaining({ overwrite: true }), expect.objectContaining({ out: TARGET, overwrite: true })]);
  });

  test('keeps the file when the operator says so, and exports nothing more', async () => {
    const requests = await exportOntoExistingFile();
    await userEvent.click(byTestId('replace-file-cancel') as HTMLElement);
    await vi.waitFor(() => expect(byTestId('replace-file-dialog')).toBeNull());
    expect(requests).toHaveLength(1);
    expect(byTestId('export-result')).toBeNull();
  });
});
