import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { contentTypeOf } from '../../main/platform/contentTypes';
import { contentSecurityPolicy, resolveStaticPath } from '../../main/web/staticFiles';

const root = mkdtempSync(join(tmpdir(), 'plant-static-'));
mkdirSync(join(root, 'assets'));
mkdirSync(join(root, 'store-host'));
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'index-abc.js'), '');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('browser mode: static files', () => {
  test('paths inside the renderer folder resolve; / is index.html; the query is ignored', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/?token=abc')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveStaticPath(root, '/assets//index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
  });

  test.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%5c..%5csecret',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/.git/config',
    '/assets/./index-abc.js',
    'assets/index-abc.js',
    '/assets%2findex-abc.js',
    '/assets/.env',
    '/store-host/index.html',
  ])('%s is refused', (url) => {
    expect(resolveStaticPath(root, url)).toBeNull();
  });

  test('content types of the built files', () => {
    expect(contentTypeOf('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a/index-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a/x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a/x.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('a/x.unknown')).toBe('application/octet-stream');
  });

  test('the Content-Security-Policy allows own files and this host\'s socket only', () => {
    const csp = contentSecurityPolicy(4321);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4321");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });
});
