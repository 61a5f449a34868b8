// The operating system's Save and Open dialogs through window.plant, with a fake of Electron's
// `dialog`: what main asks the dialog (title, filters, the folder used last), what the
// renderer gets back (the path, or null when the operator closes the dialog), bad choices
// refused before any dialog opens, and browser mode saying it has no dialogs.
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { electronFileDialogs, type DialogApi } from '../../main/electron/fileDialogs';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { inProcessApi } from '../support/inProcessApi';

const cores: PlantCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

/** Answers each dialog with the next of `answers` (null: the operator closed it) and records what it was asked. */
function fakeDialog(answers: (string | null)[]) {
  const asked: (SaveDialogOptions | OpenDialogOptions)[] = [];
  const next = () => answers.shift() ?? null;
  const dialog = {
    showSaveDialog: async (...args: unknown[]) => {
      asked.push(args[args.length - 1] as SaveDialogOptions);
      const path = next();
      return { canceled: path === null, filePath: path ?? '' };
    },
    showOpenDialog: async (...args: unknown[]) => {
      asked.push(args[args.length - 1] as OpenDialogOptions);
      const path = next();
      return { canceled: path === null, filePaths: path === null ? [] : [path] };
    },
  } as unknown as DialogApi;
  return { dialog, asked };
}

async function start(dialog: DialogApi | null) {
  const core = await createPlantCore({ store: new InMemoryEventStore(), healthEverySeconds: 0, ...(dialog ? { fileDialogs: electronFileDialogs(dialog, () => null) } : {}) });
  cores.push(core);
  return inProcessApi(core).api;
}

describe('file dialogs in the desktop app', () => {
  it('offers the format, starts in the folder chosen last, and returns the chosen path', async () => {
    const { dialog, asked } = fakeDialog(['/home/op/exports/shift-a.ndjson', '/home/op/exports/shift-a.ndjson', null]);
    const api = await start(dialog);
    expect(await api.files.dialogs()).toBe(true);

    expect(await api.files.chooseSave({ title: 'Export the audit log', defaultName: 'audit.ndjson', extensions: ['ndjson'] })).toBe('/home/op/exports/shift-a.ndjson');
    expect(asked[0]).toMatchObject({ title: 'Export the audit log', defaultPath: 'audit.ndjson', filters: [{ extensions: ['ndjson'] }] });

    // The next dialog opens where the operator went last time.
    expect(await api.files.chooseOpen({ title: 'Verify an export', extensions: ['ndjson'] })).toBe('/home/op/exports/shift-a.ndjson');
    expect(asked[1]).toMatchObject({ defaultPath: '/home/op/exports', properties: ['openFile'] });

    // Closing the dialog chooses nothing.
    expect(await api.files.chooseSave({ defaultName: 'audit.csv', extensions: ['csv'] })).toBeNull();
    expect(asked[2]).toMatchObject({ defaultPath: '/home/op/exports/audit.csv' });
  });

  it('refuses a bad choice before any dialog opens, naming the field', async () => {
    const { dialog, asked } = fakeDialog(['/x']);
    const api = await start(dialog);
    await expect(api.files.chooseSave({ defaultName: '../../etc/passwd', extensions: ['ndjson'] })).rejects.toThrow(/choice\.defaultName: must be a file name without a folder/);
    await expect(api.files.chooseOpen({ extensions: [] })).rejects.toThrow(/choice\.extensions/);
    await expect(api.files.chooseOpen({ extensions: ['*.exe'] })).rejects.toThrow(/choice\.extensions\.0: must be 1–10 lowercase letters or digits/);
    await expect(api.files.chooseOpen({ extensions: ['csv'], dangerous: true } as never)).rejects.toThrow(/choice/);
    expect(asked).toEqual([]);
  });
});

describe('file dialogs in browser mode', () => {
  it('says there are none, and a call is refused with one sentence', async () => {
    const api = await start(null);
    expect(await api.files.dialogs()).toBe(false);
    await expect(api.files.chooseSave({ extensions: ['ndjson'] })).rejects.toThrow(
      'files.chooseSave: this console has no file dialogs (browser mode): type the absolute path of the file',
    );
  });
});
