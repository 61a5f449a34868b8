/**
 * Where an export may be written. An export never goes onto a symbolic link, a folder, a
 * device or the data folder's own files (settings, store, journal, profile), replaces an
 * existing file only when asked, and says in one sentence why it refused; the file system's
 * raw codes (EISDIR, ENOENT, EROFS, with a temporary file's name) never reach the operator.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, relative, isAbsolute } from 'node:path';
import { ApiError } from '../../shared/api/errors';

export interface TargetRules {
  /** Replace an existing file (the UI asks "Replace <name>?" first; `--overwrite` on the command line). */
  readonly overwrite?: boolean;
  /** The data folder: nothing inside it is ever an export target. */
  readonly dataDir?: string;
}

const refused = (message: string) => new ApiError('refused', message);

/** An existing file that may be replaced only when asked. */
export const existsError = (path: string) =>
  new ApiError('exists', `${basename(path)} exists already in ${dirname(path)}; confirm to replace it (or choose another name)`);

async function inside(folder: string, path: string): Promise<boolean> {
  const [root, target] = await Promise.all([realpath(folder).catch(() => folder), realpath(dirname(path)).catch(() => dirname(path))]);
  const rel = relative(root, `${target}/${basename(path)}`);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Checks a target before any work is done; resolves with the mode of the file it would
 * replace (so that the new one is not more open), or undefined when there is none.
 */
export async function checkExportTarget(path: string, rules: TargetRules = {}): Promise<number | undefined> {
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat) throw refused(`the folder ${folder} does not exist; choose an existing folder`);
  if (!folderStat.isDirectory()) throw refused(`${folder} is not a folder; choose a file inside a folder`);
  if (rules.dataDir && (await inside(rules.dataDir, path))) {
    throw refused(`${path} is inside the data folder, which holds the application's own files; choose another folder`);
  }
  const existing = await lstat(path).catch(() => undefined);
  if (!existing) return undefined;
  if (existing.isSymbolicLink()) throw refused(`${path} is a symbolic link; exports are never written through links, choose another name`);
  if (existing.isDirectory()) throw refused(`${path} is a folder; give the export a file name`);
  if (!existing.isFile()) throw refused(`${path} is not a regular file; choose another name`);
  if (!rules.overwrite) throw existsError(path);
  return existing.mode & 0o777;
}

/** One sentence for a failed write, naming the target, never the temporary file. */
export function writeFailure(error: unknown, path: string): Error {
  if (error instanceof ApiError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const folder = dirname(path);
  switch (code) {
    case 'EROFS':
      return refused(`cannot write ${basename(path)}: the file system holding ${folder} is read-only`);
    case 'EACCES':
    case 'EPERM':
      return refused(`cannot write ${basename(path)}: no permission to write in ${folder}`);
    case 'ENOSPC':
    case 'EDQUOT':
      return refused(`cannot write ${basename(path)}: the disk holding ${folder} is full`);
    case 'ENOENT':
      return refused(`cannot write ${basename(path)}: the folder ${folder} no longer exists`);
    case 'EEXIST':
      return existsError(path);
    case 'EISDIR':
      return refused(`${path} is a folder; give the export a file name`);
    default:
      return error instanceof Error && !code ? error : refused(`cannot write ${path} (${code ?? 'unknown error'})`);
  }
}
