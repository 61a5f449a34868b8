/**
 * An OPC UA server connected from the screen, end to end in browser mode on a fresh data
 * folder: the operator types the endpoint, picks Sign, is shown the server's certificate
 * fingerprint and trusts it, browses the address space, finds a variable by typing its name
 * key by key, adds it, saves, and sees its value on the equipment board.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TestOpcuaServer } from '../support/opcuaServer';
import { startHostSession, type UiPage, type UiSession } from './support/uiPage';

const dir = mkdtempSync(join(tmpdir(), 'ui-opcua-'));
let server: TestOpcuaServer;
let session: UiSession;
let ui: UiPage;

beforeAll(async () => {
  const data = join(dir, 'data');
  [server, session] = await Promise.all([
    TestOpcuaServer.start({ equipment: ['press-7', 'oven-3'], readings: ['temperature', 'pressure'], secureOnly: true }),
    startHostSession({ dataDir: data, core: { settingsFile: join(data, 'settings.json'), healthEverySeconds: 0 } }),
  ]);
  ({ ui } = session);
});

afterAll(async () => {
  await session?.close();
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const text = (testId: string) => ui.testId(testId).textContent();

test('connects with Sign after the operator trusts the fingerprint, browses, picks a variable by name and shows its value on the board', async () => {
  await ui.go('connections');
  await expect.poll(() => text('opcua-status')).toContain('No OPC UA server configured');
  await ui.type('opcua-endpoint', server.endpointUrl);
  await ui.testId('opcua-security-mode').click();
  await ui.page.getByRole('option', { name: 'Sign (Basic256Sha256)' }).click();
  await ui.testId('opcua-save').click();

  // Nothing is trusted silently: the connection stops at the server's certificate.
  await ui.page.locator('[data-testid="opcua-status"][data-state="error"]').waitFor({ timeout: 30_000 });
  expect(await text('opcua-reason')).toContain("the server's certificate is not trusted yet");
  await ui.testId('opcua-review-certificate').click();
  const expected = new X509Certificate(server.certificate).fingerprint256;
  await expect.poll(() => text('opcua-fingerprint')).toBe(`SHA-256 ${expected}`);
  await ui.screenshot('opcua-trust-dialog');
  await ui.testId('opcua-trust').click();
  await ui.page.locator('[data-testid="opcua-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
  await expect.poll(() => text('ingest-opcua'), { timeout: 8_000 }).toBe('OPC UA default: connected');

  await ui.page.locator('[data-testid="opcua-folder"]', { hasText: 'Plant' }).click();
  await ui.page.locator('[data-testid="opcua-folder"]', { hasText: 'press-7' }).click();
  // press-7's two variables, and the text variable under Plant.
  await expect.poll(() => ui.testId('opcua-variable').count()).toBe(3);
  await ui.type('opcua-find', 'temper');
  await expect.poll(() => ui.testId('opcua-variable').count()).toBe(1);
  const variable = ui.page.locator('[data-testid="opcua-variable"][data-node-id="ns=1;s=press-7.temperature"]');
  expect(await variable.textContent()).toContain('press-7 / temperature');
  await variable.getByTestId('opcua-add').click();
  await expect.poll(() => text('opcua-items')).toContain('ns=1;s=press-7.temperature');
  await ui.testId('opcua-save').click();
  await expect.poll(() => text('opcua-counts'), { timeout: 30_000 }).toContain('1 of 1 items monitored');

  server.setValue('ns=1;s=press-7.temperature', 88.5);
  await ui.go('equipment');
  const reading = ui.page.locator('[data-testid="equipment-card"][data-equipment-id="press-7"] [data-testid="reading"][data-name="temperature"]');
  await expect.poll(() => reading.textContent(), { timeout: 30_000 }).toContain('88.5');
  await ui.screenshot('opcua-value-on-board');
  expect(ui.errors).toEqual([]);
}, 240_000);
