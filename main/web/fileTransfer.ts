/**
 * Browser mode's files over HTTP, since a browser page cannot hand the host a path of its own
 * machine: `POST /files/upload` streams a file into the host's private temporary folder and
 * answers its path (allowed for the next verify or import), `POST /files/export-target`
 * hands out a fresh path there for an export, and `GET /files/download?name=…` serves that
 * export once as an attachment and deletes it.
 *
 * Every request carries the per-run token (header `x-plant-token` or `?token=`); a POST must
 * come from the host's own origin (a page elsewhere could otherwise post to 127.0.0.1), and
 * a download may come without an Origin, as a link's navigation does. Downloads serve only
 * names this host handed out, so no request names a file of its own choosing.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { newSecret, sameSecret } from '../platform/secret';

/** The default upper size of an uploaded file (an export of millions of events fits). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

const EXTENSIONS = ['ndjson', 'csv', 'pdf'] as const;

export interface FileTransferOptions {
  readonly origin: string;
  readonly token: string;
  /** Makes a path usable by the next verify, import or export call (core.files.allowPicked). */
  readonly allow: (path: string) => void;
  readonly maxUploadBytes?: number;
  readonly log?: (line: string) => void;
}

export interface FileTransfer {
  /** Answers the request when it is for /files/…; false otherwise. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** The host's private folder (tests look into it). */
  readonly folder: string;
  close(): void;
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? `${body}\n` : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).end(text);
}

export function fileTransfer(options: FileTransferOptions): FileTransfer {
  const limit = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const log = options.log ?? (() => undefined);
  // Outside the data folder, readable by this user only.
  const folder = mkdtempSync(join(tmpdir(), 'plant-files-'));
  /** Names handed out for download, to the path they stand for. */
  const downloads = new Map<string, string>();

  const refusal = (request: IncomingMessage, url: URL): string | null => {
    const given = request.headers['x-plant-token'] ?? url.searchParams.get('token');
    if (typeof given !== 'string' || !sameSecret(given, options.token)) return 'a missing or wrong token: open the address the host printed';
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== options.origin) return `origin ${origin} is not allowed`;
    if (request.method === 'POST' && origin === undefined) return 'a POST without an Origin header is not allowed';
    return null;
  };

  const upload = async (request: IncomingMessage, url: URL, response: ServerResponse) => {
    // The file keeps its extension, by which an import tells NDJSON from CSV.
    const extension = url.searchParams.get('ext') ?? '';
    if (extension !== '' && !/^[a-z0-9]{1,10}$/.test(extension)) {
      request.resume();
      return answer(response, 400, 'ext must be 1 to 10 lowercase letters or digits');
    }
    const declared = Number(request.headers['content-length']);
    if (!Number.isFinite(declared) || declared < 0) return answer(response, 411, 'the upload needs a Content-Length header');
    if (declared > limit) {
      request.resume();
      return answer(response, 413, `the file of ${declared} bytes is over the upload limit of ${limit} bytes`);
    }
    const path = join(folder, `upload-${newSecret().slice(0, 16)}${extension ? `.${extension}` : ''}`);
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // A body longer than it declared is cut off at the limit, not written out.
      if (received > limit) request.destroy(new Error('over the upload limit'));
    });
    try {
      await pipeline(request, createWriteStream(path, { mode: 0o600, flags: 'wx' }));
    } catch (error) {
      await rm(path, { force: true });
      log(`upload refused: ${(error as Error).message}`);
      if (!response.headersSent && !response.destroyed) answer(response, received > limit ? 413 : 400, 'the upload did not arrive whole');
      return;
    }
    options.allow(path);
    answer(response, 200, { path });
  };

  const exportTarget = (url: URL, response: ServerResponse) => {
    const extension = url.searchParams.get('format') === 'csv' ? 'csv' : url.searchParams.get('format') === 'pdf' ? 'pdf' : 'ndjson';
    const name = `audit-${new Date().toISOString().replace(/[:.]/g, '-')}-${newSecret().slice(0, 8)}.${extension}`;
    const path = join(folder, name);
    downloads.set(name, path);
    options.allow(path);
    answer(response, 200, { path, name });
  };

  const download = async (url: URL, response: ServerResponse) => {
    const name = url.searchParams.get('name') ?? '';
    const path = downloads.get(name);
    const size = path ? await stat(path).then((info) => (info.isFile() ? info.size : -1), () => -1) : -1;
    if (!path || size < 0) return answer(response, 404, 'no such export: export again to download it');
    downloads.delete(name);
    const extension = EXTENSIONS.find((e) => name.endsWith(`.${e}`)) ?? 'ndjson';
    const type = extension === 'pdf' ? 'application/pdf' : extension === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
    response.writeHead(200, { 'Content-Type': type, 'Content-Length': String(size), 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    // Removed once opened, before a byte goes out: the open handle still reads it, and no
    // second download (or leftover file) can follow whatever happens to this one.
    const handle = await open(path, 'r');
    await rm(path, { force: true });
    await pipeline(handle.createReadStream(), response).catch((error: Error) => log(`download of ${name} stopped: ${error.message}`));
  };

  return {
    folder,
    handle(request, response) {
      const url = new URL(request.url ?? '/', options.origin);
      if (!url.pathname.startsWith('/files/')) return false;
      const route = `${request.method ?? ''} ${url.pathname}`;
      const known = ['POST /files/upload', 'POST /files/export-target', 'GET /files/download'];
      if (!known.some((k) => k.endsWith(` ${url.pathname}`))) return answer(response, 404, 'no such address'), true;
      if (!known.includes(route)) return answer(response, 405, `${request.method ?? ''} is not allowed on ${url.pathname}`), true;
      const refused = refusal(request, url);
      if (refused) {
        request.resume();
        return answer(response, 403, `refused: ${refused}`), true;
      }
      const done = route === 'POST /files/upload' ? upload(request, url, response) : route === 'GET /files/download' ? download(url, response) : Promise.resolve(exportTarget(url, response));
      done.catch((error: Error) => {
        log(`files: ${error.message}`);
        if (!response.headersSent) answer(response, 500, 'the file transfer failed on the host');
      });
      return true;
    },
    close() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
