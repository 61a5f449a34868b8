/**
 * The application's own protocol, `app://plant/`: every page (the operator console and the
 * hidden store host) is served from the built renderer folder under this one origin.
 *
 * Why a protocol rather than file://: IndexedDB belongs to an origin, and `app://plant` is
 * the same origin on every run and every machine, so the store host's database survives
 * restarts; `file://` pages all share one opaque origin with every other local file, and
 * Chromium grants them looser rules. A standard, secure scheme also gets a normal CSP,
 * `'self'`, fetch and module scripts.
 *
 * This file is pure Node (no electron import) except for the two small functions at the end,
 * which take Electron's `protocol` object as a parameter.
 */
import { contentTypeOf } from '../platform/contentTypes';
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'plant';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The URL of a page of the built renderer, e.g. `appUrl('store-host/index.html')`. */
export function appUrl(page: string): string {
  return `${APP_ORIGIN}/${page.replace(/^\/+/, '')}`;
}

/** True for URLs of this application's own pages and files, and nothing else. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** The file under `rootDir` that an app URL names, or null if it names nothing inside it. */
export function resolveAppFile(rootDir: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname === '' || pathname.endsWith('/')) pathname += 'index.html';
  const root = resolve(rootDir);
  const file = resolve(root, `.${pathname}`);
  return file.startsWith(root + sep) ? file : null;
}

// The same content types as browser mode serves.
export { contentTypeOf };

export interface AppResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array<ArrayBuffer> | string;
}

/** Answers one request for an app URL from the files under `rootDir`. */
export async function answerAppRequest(
  rootDir: string,
  method: string,
  url: string,
  read: (file: string) => Promise<Uint8Array<ArrayBuffer>> = readFile,
): Promise<AppResponse> {
  const plain = (status: number, text: string): AppResponse => ({
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    body: text,
  });
  if (method !== 'GET' && method !== 'HEAD') return plain(405, 'method not allowed');
  const file = resolveAppFile(rootDir, url);
  if (!file) return plain(404, 'not found');
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await read(file);
  } catch {
    return plain(404, 'not found');
  }
  return {
    status: 200,
    headers: {
      'Content-Type': contentTypeOf(file),
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    },
    body: method === 'HEAD' ? '' : body,
  };
}

/** Declares the scheme to Chromium; must run before the app is ready. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

/** Serves the built renderer folder under `app://plant/` (after the app is ready). */
export function serveAppProtocol(protocol: Protocol, rootDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await answerAppRequest(rootDir, request.method, request.url);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
}
