/**
 * Electron's security checklist, applied in one place: a strict Content-Security-Policy on
 * every response, no request leaves the application's own files, no navigation, no new
 * windows, no webviews, every permission refused. The decisions are pure functions; the
 * two `harden…` functions only attach them to Electron's hooks.
 */
import type { Session, WebContents } from 'electron';

/**
 * Scripts, styles, fonts, images and connections only from the app's own origin. Styles
 * also allow inline `<style>` elements, which the UI's CSS-in-JS library inserts at run
 * time; inline *scripts* stay forbidden.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Request URLs a page may load: the app's own files, and data/blob URLs it made itself. */
export function isAllowedRequest(url: string, isAppUrl: (url: string) => boolean): boolean {
  if (isAppUrl(url)) return true;
  return url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('devtools:');
}

/** Response headers with this application's CSP set (replacing any other spelling of it). */
export function withContentSecurityPolicy(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return result;
}

/** Refuses every permission (camera, notifications, geolocation…) and every non-app request. */
export function hardenSession(session: Session, isAppUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, isAppUrl);
    if (!allowed) console.warn(`[security] blocked a request for ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}

/** For every page Electron creates: no navigation away, no pop-ups, no webviews. */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    console.warn(`[security] blocked navigation to ${url.slice(0, 200)}`);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    console.warn(`[security] blocked a redirect to ${url.slice(0, 200)}`);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`[security] blocked a new window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}
