/**
 * The plant link set from the UI (issue 14 §1): settings sent through the API are checked
 * field by field (a bad one refused in one sentence naming it, nothing saved or changed),
 * kept in settings.json, applied by reconnecting the link, used again at the next start, and
 * overridden by command-line settings for that run. A password or token never comes back to
 * the renderer, through plantLink.status or settings.get, nor reaches the log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../shared/api/contract';
import type { PlantLinkView } from '../../shared/api/contractPlantLink';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { createDispatcher } from '../../main/api/dispatch';
import { createHandlers } from '../../main/api/handlers';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { checkPlantSettings } from '../../main/plant/plantSettings';
import { NatsServer, natsMissing } from '../support/natsServer';

const WAIT = { timeout: 20_000, interval: 100 };
const PASSWORD = 'pw-Secret-7731';

describe.skipIf(natsMissing())('plant link settings from the UI', () => {
  let open: NatsServer;
  let guarded: NatsServer;
  const dir = mkdtempSync(join(tmpdir(), 'plant-link-settings-'));
  const cores: PlantCore[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    [open, guarded] = await Promise.all([NatsServer.start(), NatsServer.start({ users: { lab: PASSWORD } })]);
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }, 60_000);

  afterAll(async () => {
    for (const core of cores) await core.close();
    await Promise.all([open?.stop(), guarded?.stop()]);
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  async function station(folder: string, plant: Parameters<typeof checkPlantSettings>[0] | null = null) {
    const settingsFile = join(dir, folder, 'settings.json');
    const core = await createPlantCore({ store: new InMemoryEventStore(), healthEverySeconds: 0, settingsFile, plant: plant ? checkPlantSettings(plant) : null });
    cores.push(core);
    const dispatch = createDispatcher(createHandlers(core));
    const call = async <T>(method: string, ...args: unknown[]) => (await dispatch(method as never, args, { clientId: 'ui' })) as Envelope<T>;
    return { core, call, settingsFile };
  }

  it('refuses each bad field in one sentence naming it, and saves nothing', async () => {
    const { core, call, settingsFile } = await station('bad');
    const good = { servers: [open.url], station: 'lab-1' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, servers: ['http://x'] }, 'plantLink.configure: servers[0]: must look like nats://HOST:PORT or tls://HOST:PORT, without a user name or password in it'],
      [{ ...good, servers: ['nats://lab:pw@host:4222'] }, 'plantLink.configure: servers[0]: must look like nats://HOST:PORT or tls://HOST:PORT, without a user name or password in it'],
      [{ ...good, servers: [] }, 'plantLink.configure: servers: must name at least one server, such as nats://127.0.0.1:4222'],
      [{ ...good, servers: 'nats://a:1' }, 'plantLink.configure: servers: must be a list of server URLs'],
      [{ ...good, station: 'line side' }, 'plantLink.configure: station: must be 1 to 64 letters, digits, "-" or "_"'],
      [{ ...good, station: 'x'.repeat(65) }, 'plantLink.configure: station: must be 1 to 64 letters, digits, "-" or "_"'],
      [{ servers: good.servers }, 'plantLink.configure: station: must be a string'],
      [{ ...good, stream: 'PLANT.x' }, 'plantLink.configure: stream: must be 1 to 64 letters, digits, "-" or "_"'],
      [{ ...good, password: PASSWORD }, 'plantLink.configure: password: needs a user name'],
      [{ ...good, user: 'lab' }, 'plantLink.configure: password: is needed with a user name'],
      [{ ...good, user: 'lab', password: PASSWORD, token: 'tok' }, 'plantLink.configure: token: a user and password, a token and an NKey seed file are alternatives: give only one way to sign in'],
      [{ ...good, nkeySeedFile: 'seed.nk' }, 'plantLink.configure: nkeySeedFile: must be an absolute path'],
      [{ ...good, tls: { certFile: '/etc/c.pem' } }, 'plantLink.configure: tls.keyFile: a client certificate needs both its certificate and its key file'],
      [{ ...good, tls: { ca: '/etc/ca.pem' } }, 'plantLink.configure: tls.ca: is not a known setting (expected one of caFile, certFile, keyFile)'],
      [{ ...good, url: 'nats://a:1' }, 'plantLink.configure: url: is not a known setting (expected one of servers, station, stream, user, password, token, nkeySeedFile, tls)'],
    ];
    for (const [settings, sentence] of cases) {
      const answer = await call('plantLink.configure', settings);
      expect(answer, JSON.stringify(settings)).toEqual({ ok: false, error: { code: 'invalid-input', message: sentence } });
      expect(sentence).not.toContain(PASSWORD);
    }
    expect(await call('plantLink.configure', good, { keepSecrets: true })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('settings.set', 'plantLink', good)).toMatchObject({ ok: false, error: { message: 'settings.set: key: the plant link settings are changed with plantLink.configure, which checks them' } });
    expect(core.plant).toBeNull();
    expect(() => readFileSync(settingsFile, 'utf8')).toThrow(/ENOENT/);
  });

  it('saves, reconnects, keeps the password out of every answer and log, and links again at the next start', async () => {
    const first = await station('saved');
    const settings = { servers: [guarded.url], station: 'lab-2', user: 'lab', password: PASSWORD };
    const saved = await first.call<PlantLinkView>('plantLink.configure', settings);
    expect(saved.ok).toBe(true);
    await vi.waitFor(() => expect(first.core.plant?.status().state).toBe('connected'), WAIT);
    const view = await first.call<PlantLinkView>('plantLink.status');
    expect(view).toMatchObject({ ok: true, value: { source: 'saved', saved: { servers: [guarded.url], station: 'lab-2', user: 'lab', hasPassword: true, hasToken: false }, status: { station: 'lab-2', state: 'connected' } } });
    const other = await first.call<Record<string, unknown>>('settings.get');
    expect(JSON.stringify([saved, view, other])).not.toContain(PASSWORD);
    expect(JSON.parse(readFileSync(first.settingsFile, 'utf8')).plantLink).toMatchObject({ station: 'lab-2', password: PASSWORD });

    // The form sends no password when the operator leaves it: the saved one is kept for the same user.
    const kept = await first.call<PlantLinkView>('plantLink.configure', { servers: [guarded.url], station: 'lab-2b', user: 'lab' }, { keepPassword: true });
    expect(kept).toMatchObject({ ok: true, value: { saved: { station: 'lab-2b', hasPassword: true } } });
    await vi.waitFor(() => expect(first.core.plant?.status()).toMatchObject({ station: 'lab-2b', state: 'connected' }), WAIT);

    await first.core.close();
    cores.splice(cores.indexOf(first.core), 1);
    const again = await station('saved');
    await vi.waitFor(() => expect(again.core.plant?.status()).toMatchObject({ station: 'lab-2b', state: 'connected' }), WAIT);
    expect(logged.join('\n')).not.toContain(PASSWORD);

    const off = await again.call<PlantLinkView>('plantLink.disconnect');
    expect(off).toMatchObject({ ok: true, value: { status: null, saved: null, source: null } });
    expect(again.core.plant).toBeNull();
  });

  it('runs the command line settings for this run and keeps what the UI saves for the next', async () => {
    const { core, call } = await station('override', { servers: [open.url], station: 'from-cli' });
    await vi.waitFor(() => expect(core.plant?.status().state).toBe('connected'), WAIT);
    const answer = await call<PlantLinkView>('plantLink.configure', { servers: [open.url], station: 'from-ui' });
    expect(answer).toMatchObject({ ok: true, value: { source: 'command-line', saved: { station: 'from-ui' }, status: { station: 'from-cli' } } });
  });
});
