// The export form's file handling in real Chromium, with a fake window.plant that answers as
// main does. Writing over an existing file asks first: an export onto it fails with error
// code `exists`; the form asks "Replace <name>?" and, only when the operator agrees, exports
// again with `overwrite: true`. And where main has file dialogs (the desktop app), "Choose…"
// fills the path from the Save dialog; in browser mode there is no such button.
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

function fakePlant(requests: unknown[], dialogs: { chosen: string | null; asked: unknown[] } | null = null): PlantApi {
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
    files: {
      dialogs: async () => dialogs !== null,
      chooseSave: async (choice: unknown) => {
        dialogs?.asked.push(choice);
        return dialogs?.chosen ?? null;
      },
    },
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

describe('Choose… and the Save dialog', () => {
  test('in the desktop app, fills the path with the file chosen in the dialog, which suggested the typed name', async () => {
    const dialogs = { chosen: '/home/op/exports/night-shift.ndjson', asked: [] as unknown[] };
    render(fakePlant([], dialogs));
    await vi.waitFor(() => expect(byTestId('export-path-choose')).not.toBeNull());
    await userEvent.type(byTestId('export-path') as HTMLElement, '/tmp/plant.ndjson');
    await userEvent.click(byTestId('export-path-choose') as HTMLElement);
    await vi.waitFor(() => expect((byTestId('export-path') as HTMLInputElement).value).toBe('/home/op/exports/night-shift.ndjson'));
    expect(dialogs.asked).toEqual([{ title: 'Export the audit log', defaultName: 'plant.ndjson', extensions: ['ndjson'] }]);
  });

  test('in browser mode, offers no Choose… button: the typed path is the way', async () => {
    render(fakePlant([]));
    await vi.waitFor(() => expect(byTestId('export-path')).not.toBeNull());
    // The answer to files.dialogs() (false) has had its chance to arrive once the form reacts to typing.
    await userEvent.type(byTestId('export-path') as HTMLElement, '/tmp/a.ndjson');
    await vi.waitFor(() => expect((byTestId('export-path') as HTMLInputElement).value).toBe('/tmp/a.ndjson'));
    expect(byTestId('export-path-choose')).toBeNull();
  });
});
