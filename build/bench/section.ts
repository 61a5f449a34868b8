/** What run.ts gives every benchmark section, and what a section gives back. */
import { ensureRendererBuilt } from '../../main/platform/rendererBuild';
import { CHROMIUM_MISSING, findChromium } from '../../test/support/chromium';

export interface SectionSettings {
  /** The short run (`--quick`): fewer events, shorter phases. */
  readonly quick: boolean;
  /** How many times a section repeats its measurement (the figures are medians). */
  readonly runs: number;
  readonly log: (line: string) => void;
}

/** For the sections that measure once, however many runs were asked. */
export type SingleRunSettings = Omit<SectionSettings, 'runs'>;

/** One key per figure, as printed in the benchmark's last line. */
export type Figures = Record<string, number | string | boolean | null>;

/** Chromium's path, once the renderer is built: what a section that opens the console's pages needs first. */
export async function chromiumWithRenderer(log: (line: string) => void): Promise<string> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_MISSING);
  await ensureRendererBuilt(log);
  return executablePath;
}

/**
 * Runs a section's clean-up steps in order, each even if one before it failed, and logs a
 * failure instead of throwing it: the figures already measured are the section's result,
 * and a profile or process that could not be removed must not replace them with an error.
 */
export async function cleanUp(log: (line: string) => void, section: string, steps: readonly (() => unknown)[]): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      log(`${section}: clean-up failed (the figures stand): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
