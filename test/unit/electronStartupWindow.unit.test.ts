/**
 * The desktop app's startup window, against a fake Electron: it opens once, shows each report
 * (escaped: a sentence is text, never markup), carries the share on the taskbar's progress bar,
 * and is gone when the console opens. Electron itself cannot run on this machine (see the
 * Electron suite); the window's hardening is security.ts's, tested in electronShell.unit.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({ windows: [] as FakeWindow[] }));

interface FakeWindow {
  readonly options: Record<string, unknown>;
  readonly urls: string[];
  readonly progress: number[];
  destroyed: boolean;
}

vi.mock('electron', () => ({
  BrowserWindow: class {
    readonly record: FakeWindow;
    readonly webContents = { on: () => undefined, setWindowOpenHandler: () => undefined };
    constructor(options: Record<string, unknown>) {
      this.record = { options, urls: [], progress: [], destroyed: false };
      electron.windows.push(this.record);
    }
    isDestroyed() {
      return this.record.destroyed;
    }
    destroy() {
      this.record.destroyed = true;
    }
    setProgressBar(value: number) {
      this.record.progress.push(value);
    }
    loadURL(url: string) {
      this.record.urls.push(url);
      return Promise.resolve();
    }
  },
}));

const { startupPageUrl, startupWindow } = await import('../../main/electron/startupWindow');

const pageText = (url: string): string => decodeURIComponent(url.slice(url.indexOf(',') + 1));

beforeEach(() => {
  electron.windows.length = 0;
});

describe('the startup window', () => {
  it('opens on the first report only, then shows each report in the same window', () => {
    const startup = startupWindow('Plant Event Console');
    expect(electron.windows).toHaveLength(0);
    startup.show('Opening the event store…', null);
    startup.show('Rebuilding the event store from the journal: 10 of 40 events (25%)…', 0.25);
    expect(electron.windows).toHaveLength(1);
    const [window] = electron.windows;
    expect(window?.options).toMatchObject({ closable: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(window?.urls.map(pageText)).toEqual([
      expect.stringContaining('<p>Opening the event store…</p>'),
      expect.stringContaining('<p>Rebuilding the event store from the journal: 10 of 40 events (25%)…</p>'),
    ]);
    // Indeterminate (above 1) until a share is known.
    expect(window?.progress).toEqual([2, 0.25]);
    expect(pageText(window?.urls[1] ?? '')).toContain('<progress max="1" value="0.250">');
    startup.close();
    expect(window?.destroyed).toBe(true);
  });

  it('can be closed before it ever opened', () => {
    const startup = startupWindow('Plant Event Console');
    startup.close();
    expect(electron.windows).toHaveLength(0);
  });

  it('writes the sentence as text, never as markup, and has no script', () => {
    const page = pageText(startupPageUrl('A & B', 'the store at /data/<script>alert(1)</script> "x"', null));
    expect(page).toContain('<title>A &#38; B</title>');
    expect(page).toContain('the store at /data/&#60;script&#62;alert(1)&#60;/script&#62; &#34;x&#34;');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('<progress');
  });
});
