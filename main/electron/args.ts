/**
 * The desktop application's own command-line options. Chromium and Playwright add switches
 * of their own (`--inspect=0`, `--remote-debugging-port=0`…), so unknown ones are left alone.
 */
export interface DesktopOptions {
  /** Where data lives instead of Electron's user-data folder. */
  readonly dataDir?: string;
  /** False with `--no-simulator`: no simulated plant (a real deployment). */
  readonly simulator: boolean;
  /** True with `--review`: the history is only read. */
  readonly review: boolean;
}

export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

export function parseDesktopArgs(argv: readonly string[]): DesktopOptions {
  let dataDir: string | undefined;
  let simulator = true;
  let review = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let value: string | undefined;
    if (arg === '--no-simulator') {
      simulator = false;
      continue;
    } else if (arg === '--review') {
      review = true;
      continue;
    } else if (arg === '--data-dir') {
      value = argv[i + 1];
      i++;
      if (value === undefined || value.startsWith('--')) throw new CommandLineError('--data-dir needs a folder, e.g. --data-dir ./plant-data');
    } else if (arg.startsWith('--data-dir=')) {
      value = arg.slice('--data-dir='.length);
    } else {
      continue;
    }
    if (value.trim() === '') throw new CommandLineError('--data-dir needs a folder, e.g. --data-dir ./plant-data');
    dataDir = value;
  }
  return dataDir === undefined ? { simulator, review } : { dataDir, simulator, review };
}
