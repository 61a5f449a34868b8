/**
 * Serves the built renderer over HTTP: only files inside its folder, with their content
 * types and the browser-mode security headers. The store-host page is not served: it must
 * run from its file:// URL, whose IndexedDB survives restarts.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { contentTypeOf } from '../platform/contentTypes';

/** The page's Content-Security-Policy: own files only, and sockets only to this host. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // MUI's styling engine (emotion) injects <style> elements.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    // The page's address carries the token: never send it on.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

/**
 * The file under `root` that a request path names, or null when it names nothing servable.
 * Each segment of the raw path is decoded on its own and refused when it could step out of
 * the folder or into a hidden file (`..`, `.x`, an encoded `/` or `\`, a NUL); the
 * store-host page is refused too.
 */
export function resolveStaticPath(root: string, requestUrl: string): string | null {
  const rawPath = requestUrl.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    if (segment !== '') segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  if (segments[0] === 'store-host') return null;
  const base = resolve(root);
  const file = resolve(base, ...segments);
  const inside = relative(base, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return join(base, inside);
}

function refuse(response: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

/** An HTTP handler for the renderer's files. */
export function staticFileHandler(root: string, headers: Record<string, string>) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'only GET and HEAD', { ...headers, Allow: 'GET, HEAD' });
    const file = resolveStaticPath(root, request.url ?? '/');
    if (!file) return refuse(response, 404, 'not found', headers);
    try {
      const info = await stat(file);
      if (!info.isFile()) return refuse(response, 404, 'not found', headers);
      const body = await readFile(file);
      response.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(file), 'Content-Length': String(body.length) });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      refuse(response, 404, 'not found', headers);
    }
  };
}
