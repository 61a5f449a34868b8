/**
 * Browser mode's file endpoints (main/web/fileTransfer.ts) against a real host: the token and
 * origin checks, the upload limit, names that were never handed out, and the round trip an
 * operator makes: export into the host's folder, download it (once), upload it again and
 * verify the uploaded copy through the API.
 */
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startWebHost, type WebHost } from '../../main/web/server';

const LIMIT = 64 * 1024;
let host: WebHost;

beforeAll(async () => {
  host = await startWebHost({ memory: true, core: { healthEverySeconds: 0 }, maxUploadBytes: LIMIT });
});

afterAll(async () => {
  await host?.close();
});

const origin = () => `http://127.0.0.1:${host.port}`;
const address = (path: string) => `${origin()}${path}`;
const call = (method: string, args: unknown[]) => host.dispatch(method, args, { clientId: 'test' });

function upload(body: string | Blob, headers: Record<string, string> = { origin: origin(), 'x-plant-token': host.token }) {
  return fetch(address('/files/upload'), { method: 'POST', body, headers });
}

test('a request without the token, or with a wrong one, is refused with 403', async () => {
  const none = await upload('x', { origin: origin() });
  expect(none.status).toBe(403);
  expect(await none.text()).toMatch(/token/);
  expect((await upload('x', { origin: origin(), 'x-plant-token': 'wrong' })).status).toBe(403);
  expect((await fetch(address('/files/download?name=a.ndjson'))).status).toBe(403);
});

test('a request from another origin, or a POST without an origin, is refused with 403', async () => {
  const other = await upload('x', { origin: 'http://evil.example', 'x-plant-token': host.token });
  expect(other.status).toBe(403);
  expect(await other.text()).toMatch(/origin http:\/\/evil.example is not allowed/);
  expect((await upload('x', { 'x-plant-token': host.token })).status).toBe(403);
});

test('an upload over the limit is refused with 413 and one sentence, and leaves no file', async () => {
  const response = await upload(new Blob([new Uint8Array(LIMIT + 1)]));
  expect(response.status).toBe(413);
  expect(await response.text()).toBe(`the file of ${LIMIT + 1} bytes is over the upload limit of ${LIMIT} bytes\n`);
});

test('download names that were not handed out, traversal included, are 404', async () => {
  for (const name of ['../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'audit.ndjson', '', '/etc/passwd']) {
    const response = await fetch(address(`/files/download?name=${name}&token=${host.token}`));
    expect(response.status, name).toBe(404);
  }
});

test('an extension that is not 1 to 10 lowercase letters or digits is refused with 400', async () => {
  const response = await fetch(address('/files/upload?ext=../x'), { method: 'POST', body: 'x', headers: { origin: origin(), 'x-plant-token': host.token } });
  expect(response.status).toBe(400);
  expect(await response.text()).toMatch(/^ext must be/);
});

test('a wrong method or address is refused', async () => {
  expect((await fetch(address(`/files/upload?token=${host.token}`))).status).toBe(405);
  expect((await fetch(address(`/files/other?token=${host.token}`))).status).toBe(404);
});

test('export, download once, upload the file and verify the uploaded copy through the API', async () => {
  await call('simulator.injectBurst', [5]).catch(() => undefined);
  const target = await fetch(address('/files/export-target?format=ndjson'), { method: 'POST', headers: { origin: origin(), 'x-plant-token': host.token } });
  expect(target.status).toBe(200);
  const { path, name } = (await target.json()) as { path: string; name: string };
  const exported = await call('audit.export', [{ out: path, format: 'ndjson' }]);
  expect(exported.ok).toBe(true);

  const download = await fetch(address(`/files/download?name=${encodeURIComponent(name)}&token=${host.token}`));
  expect(download.status).toBe(200);
  expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
  const body = await download.text();
  expect(body.length).toBeGreaterThan(0);
  expect(existsSync(path)).toBe(false);
  expect((await fetch(address(`/files/download?name=${encodeURIComponent(name)}&token=${host.token}`))).status).toBe(404);

  const uploaded = await fetch(address('/files/upload?ext=ndjson'), { method: 'POST', body, headers: { origin: origin(), 'x-plant-token': host.token } });
  expect(uploaded.status).toBe(200);
  const copy = ((await uploaded.json()) as { path: string }).path;
  expect(copy).toMatch(/\.ndjson$/);
  expect(statSync(copy).mode & 0o777).toBe(0o600);
  const verdict = await call('audit.verifyFile', [copy]);
  expect(verdict).toMatchObject({ ok: true, value: { ok: true } });
  // The same uploaded path serves an import too (its events are present already, so skipped).
  expect((await call('audit.import', [{ path: copy }])).ok).toBe(true);
});
