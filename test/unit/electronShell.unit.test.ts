/**
 * The Electron shell's pure parts: command line, the app:// protocol's file mapping, the
 * security decisions, the quit sequence, finding the Electron binary, and the check of
 * electronegativity findings against the README.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { findElectron } from '../../build/scripts/electronRuntime';
import { explainedFindings, findingsFromSarif, unexplainedFindings } from '../../build/scripts/securityFindings';
import { answerAppRequest, appUrl, isAppUrl, resolveAppFile } from '../../main/electron/appProtocol';
import { parseDesktopArgs } from '../../main/electron/args';
import { createQuitHandler } from '../../main/electron/quit';
import { CONTENT_SECURITY_POLICY, isAllowedRequest, withContentSecurityPolicy } from '../../main/electron/security';

describe('command line', () => {
  it('reads --data-dir in both spellings and ignores switches it does not own', () => {
    expect(parseDesktopArgs(['.', '--inspect=0', '--data-dir', '/tmp/a'])).toEqual({ dataDir: '/tmp/a', simulator: true, review: false });
    expect(parseDesktopArgs(['--data-dir=/tmp/b', '--remote-debugging-port=0'])).toEqual({ dataDir: '/tmp/b', simulator: true, review: false });
    expect(parseDesktopArgs(['.'])).toEqual({ simulator: true, review: false });
    expect(parseDesktopArgs(['.', '--no-simulator'])).toEqual({ simulator: false, review: false });
    expect(parseDesktopArgs(['.', '--review'])).toEqual({ simulator: true, review: true });
  });

  it('refuses a --data-dir without a folder', () => {
    expect(() => parseDesktopArgs(['--data-dir'])).toThrow(/--data-dir needs a folder/);
    expect(() => parseDesktopArgs(['--data-dir', '--no-sandbox'])).toThrow(/--data-dir needs a folder/);
    expect(() => parseDesktopArgs(['--data-dir='])).toThrow(/--data-dir needs a folder/);
  });
});

describe('the app:// protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'plant-app-protocol-'));
  mkdirSync(join(root, 'store-host'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'store-host', 'index.html'), '<!doctype html><title>host</title>');

  it('knows its own URLs', () => {
    expect(appUrl('store-host/index.html')).toBe('app://plant/store-host/index.html');
    expect(isAppUrl('app://plant/index.html')).toBe(true);
    for (const url of ['app://other/index.html', 'https://plant/index.html', 'file:///index.html', 'not a url', 'app://x@plant/']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('maps URLs to files inside the renderer folder and nothing outside it', () => {
    expect(resolveAppFile(root, 'app://plant/index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://plant/store-host/')).toBe(join(root, 'store-host', 'index.html'));
    expect(resolveAppFile(root, 'app://plant/a/../index.html?x=1#y')).toBe(join(root, 'index.html'));
    // The URL parser folds dot segments (also percent-encoded ones) at the root; encoded
    // slashes and backslashes would escape after decoding, and are refused.
    expect(resolveAppFile(root, 'app://plant/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    for (const url of ['app://plant/..%2F..%2Fetc%2Fpasswd', 'app://plant/..%5C..%5Cwin.ini', 'app://plant/a%00.html', 'app://plant/%E0%A4%A', 'app://evil/index.html']) {
      expect(resolveAppFile(root, url), url).toBeNull();
    }
  });

  it('answers with the file, its type and the CSP; refuses what it does not serve', async () => {
    const page = await answerAppRequest(root, 'GET', 'app://plant/index.html');
    expect(page.status).toBe(200);
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(Buffer.from(page.body).toString()).toContain('console');
    expect((await answerAppRequest(root, 'GET', 'app://plant/missing.js')).status).toBe(404);
    expect((await answerAppRequest(root, 'GET', 'app://plant/%2e%2e/secret')).status).toBe(404);
    expect((await answerAppRequest(root, 'POST', 'app://plant/index.html')).status).toBe(405);
    expect((await answerAppRequest(root, 'HEAD', 'app://plant/index.html')).body).toBe('');
  });
});

describe('security decisions', () => {
  it('lets pages load only the app and what they made themselves', () => {
    expect(isAllowedRequest('app://plant/assets/index.js', isAppUrl)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA', isAppUrl)).toBe(true);
    for (const url of ['https://example.com/x.js', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'ws://127.0.0.1:1/', 'app://other/x']) {
      expect(isAllowedRequest(url, isAppUrl), url).toBe(false);
    }
  });

  it('has a strict policy and puts it on every response, replacing any other', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    const headers = withContentSecurityPolicy({ 'content-security-policy': ['default-src *'], 'Content-Type': 'text/html' });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('quitting', () => {
  const event = () => ({ preventDefault: vi.fn() });

  it('holds the first quit until the flush is done, then exits once', async () => {
    let finish = () => {};
    const flush = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const exit = vi.fn();
    const onQuit = createQuitHandler({ flush, exit });
    const first = event();
    onQuit(first);
    const second = event();
    onQuit(second); // pressed twice while flushing
    expect(first.preventDefault).toHaveBeenCalled();
    expect(second.preventDefault).toHaveBeenCalled();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    const after = event();
    onQuit(after);
    expect(after.preventDefault).not.toHaveBeenCalled();
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits with an error when the flush fails or hangs', async () => {
    const failed = vi.fn();
    createQuitHandler({ flush: () => Promise.reject(new Error('disk full')), exit: failed, log: () => undefined })(event());
    await vi.waitFor(() => expect(failed).toHaveBeenCalledWith(1));
    const hung = vi.fn();
    const log = vi.fn();
    createQuitHandler({ flush: () => new Promise(() => {}), exit: hung, timeoutMs: 20, log })(event());
    await vi.waitFor(() => expect(hung).toHaveBeenCalledWith(1));
    expect(log.mock.calls[0]?.[0]).toMatch(/not flushed within 20 ms/);
  });
});

describe('finding the Electron binary', () => {
  function fakeRepo(pathTxt?: string, binary?: string): string {
    const root = mkdtempSync(join(tmpdir(), 'plant-electron-'));
    const dir = join(root, 'node_modules', 'electron');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"electron"}');
    if (pathTxt !== undefined) writeFileSync(join(dir, 'path.txt'), pathTxt);
    if (binary) writeFileSync(join(dir, 'dist', binary), '');
    return root;
  }

  it('finds the downloaded binary without downloading anything', () => {
    const root = fakeRepo('electron', 'electron');
    expect(findElectron(root, {})).toEqual({ path: join(root, 'node_modules', 'electron', 'dist', 'electron') });
  });

  it('says why when there is none', () => {
    expect(findElectron(fakeRepo(), {})).toEqual({ missing: 'its binary was never downloaded into node_modules/electron/dist' });
    expect('missing' in findElectron(fakeRepo('electron'), {})).toBe(true);
    expect(findElectron(mkdtempSync(join(tmpdir(), 'plant-no-electron-')), {})).toEqual({ missing: 'the electron package is not installed (run npm install)' });
    expect(findElectron(fakeRepo(), { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' })).toMatchObject({ missing: expect.stringMatching(/ELECTRON_OVERRIDE_DIST_PATH/) });
  });
});

describe('electronegativity findings against the README', () => {
  const readme = [
    '# App', '## Security', 'text',
    '| check | file | why it stays |', '|---|---|---|',
    '| `PRELOAD_JS_CHECK` | `main/electron/appWindow.ts` | exposes only window.plant via contextBridge |',
    '| `AUXCLICK_JS_CHECK` | `main/electron/x.ts` | too short |',
    '## Other', '| `CSP_GLOBAL_CHECK` | `renderer/index.html` | a row outside the Security section |',
  ].join('\n');
  const sarif = {
    runs: [{ results: [
      { ruleId: 'PRELOAD_JS_CHECK', message: { text: 'Review' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'main/electron/appWindow.ts' }, region: { startLine: 24 } } }] },
      { ruleId: 'CSP_GLOBAL_CHECK', message: { text: 'weak' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'renderer/index.html' }, region: { startLine: 7 } } }] },
    ] }],
  };

  it('accepts only findings explained (with a real reason) in the Security section', () => {
    const explained = explainedFindings(readme);
    expect([...explained.keys()]).toEqual(['PRELOAD_JS_CHECK main/electron/appWindow.ts']);
    const findings = findingsFromSarif(sarif);
    expect(findings[1]).toEqual({ check: 'CSP_GLOBAL_CHECK', file: 'renderer/index.html', line: 7, message: 'weak' });
    expect(unexplainedFindings(findings, explained).map((finding) => finding.check)).toEqual(['CSP_GLOBAL_CHECK']);
    expect(() => findingsFromSarif({})).toThrow(/no SARIF runs/);
  });
});
