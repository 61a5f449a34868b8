/**
 * The operating system's file dialogs as the core uses them: the desktop shell gives an
 * implementation (main/electron/fileDialogs.ts); browser mode has none. The folder last
 * chosen is kept in main's settings so that the next dialog opens there.
 */
import { dirname } from 'node:path';
import type { FileChoice } from '../../shared/api/contractFiles';
import { InputError } from '../../shared/api/errors';
import type { Settings } from './settings';

export interface FileDialogs {
  chooseSave(choice: FileChoice, folder: string | undefined): Promise<string | null>;
  chooseOpen(choice: FileChoice, folder: string | undefined): Promise<string | null>;
}

const FOLDER_KEY = 'files.folder';

/** Error for the operator when no dialog can be shown here. */
export class NoFileDialogsError extends InputError {
  constructor() {
    super('this console has no file dialogs (browser mode): type the absolute path of the file');
  }
}

/** `onPicked` hears every path the operator picked, so that the API may then use it. */
export function fileChooser(dialogs: FileDialogs | null, settings: Settings, onPicked: (path: string) => void = () => {}) {
  const remembered = async (path: string | null): Promise<string | null> => {
    if (path === null) return null;
    onPicked(path);
    await settings.set(FOLDER_KEY, dirname(path));
    return path;
  };
  const folder = () => {
    const value = settings.get(FOLDER_KEY);
    return typeof value === 'string' ? value : undefined;
  };
  const need = (): FileDialogs => {
    if (!dialogs) throw new NoFileDialogsError();
    return dialogs;
  };
  return {
    available: () => dialogs !== null,
    chooseSave: async (choice: FileChoice) => remembered(await need().chooseSave(choice, folder())),
    chooseOpen: async (choice: FileChoice) => remembered(await need().chooseOpen(choice, folder())),
  };
}
