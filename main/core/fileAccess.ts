/**
 * Which files the API may read or write when a caller types a path (import, verify, export):
 * only inside the folders the operator has chosen, the setting `fileFolders` (a list of
 * absolute folders), and never the data folder's own files. Until the operator chooses, the
 * user's home folder and the system's temporary folder are allowed: plain places an operator
 * keeps exports in, while system files (/etc, other users' homes) stay out of reach.
 *
 * A file the operator picked in the operating system's Open or Save dialog is allowed as
 * picked (`allowPicked`), wherever it is: the dialog is the operator's own choice.
 */
import { realpath } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { Settings } from './settings';

export const FILE_FOLDERS_SETTING = 'fileFolders';

/** The folders allowed until the operator sets `fileFolders`. */
export const defaultFileFolders = (): string[] => [homedir(), tmpdir()];

/** The real path of `path` (links resolved), or of its folder when the file does not exist yet. */
async function real(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const folder = await realpath(dirname(path)).catch(() => dirname(path));
    return join(folder, basename(path));
  }
}

function within(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export class FileAccess {
  private readonly picked = new Set<string>();

  constructor(
    private readonly settings: Pick<Settings, 'get'>,
    private readonly dataDir?: string,
  ) {}

  /** The folders in force: the setting's absolute folders, or the defaults. */
  folders(): string[] {
    const chosen = this.settings.get(FILE_FOLDERS_SETTING);
    if (!Array.isArray(chosen)) return defaultFileFolders();
    return chosen.filter((folder): folder is string => typeof folder === 'string' && isAbsolute(folder));
  }

  /** A path the operator picked in an Open or Save dialog: allowed from now on (outside the data folder). */
  allowPicked(path: string): void {
    this.picked.add(resolve(path));
  }

  /** Resolves with `path` when the API may use it; otherwise refuses in one sentence (code `not-allowed`). */
  async check(path: string): Promise<string> {
    const target = await real(path);
    if (this.dataDir && within(await real(this.dataDir), target)) {
      throw new ApiError('not-allowed', `${path} is inside the data folder, whose files are the application's own; choose a file elsewhere`);
    }
    if (this.picked.has(resolve(path))) return path;
    for (const folder of this.folders()) {
      if (within(await real(folder), target)) return path;
    }
    throw new ApiError('not-allowed', `${path} is outside the folders chosen for files (${this.folders().join(', ') || 'none'}); add its folder to the setting ${FILE_FOLDERS_SETTING} or pick the file in a dialog`);
  }
}
