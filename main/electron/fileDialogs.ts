/** Electron's native Save and Open dialogs, attached to the console's window (modal to it). */
import { join } from 'node:path';
import type { BrowserWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { FileDialogs } from '../core/fileDialogs';

export type DialogApi = Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>;

const filtersOf = (extensions: readonly string[]) => [{ name: extensions.map((e) => e.toUpperCase()).join(', '), extensions: [...extensions] }];

export function electronFileDialogs(dialog: DialogApi, window: () => BrowserWindow | null): FileDialogs {
  return {
    async chooseSave(choice, folder) {
      const options: SaveDialogOptions = { title: choice.title ?? 'Save', filters: filtersOf(choice.extensions), properties: ['createDirectory', 'showOverwriteConfirmation'] };
      const name = choice.defaultName ?? '';
      if (folder !== undefined || name !== '') options.defaultPath = folder === undefined ? name : join(folder, name);
      const parent = window();
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseOpen(choice, folder) {
      const options: OpenDialogOptions = { title: choice.title ?? 'Open', filters: filtersOf(choice.extensions), properties: ['openFile'] };
      if (folder !== undefined) options.defaultPath = folder;
      const parent = window();
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
