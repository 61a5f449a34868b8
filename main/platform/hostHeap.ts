/**
 * The host process's JavaScript heap: how large its young generation is, and how far the old
 * space may grow between full collections.
 *
 * Young generation. Almost everything the host allocates per event (the MQTT message, the
 * mapped event, the bus's records, the store link's and the pushes' texts) is garbage within
 * milliseconds. V8's default semi-space of 16 MB fills every few milliseconds at 20,000
 * events/s, and each scavenge copies what is still in flight and promotes what survives two
 * of them into the old space, which then grows until a full collection. Semi-spaces of 32 MB
 * halve the scavenges (e2eProfile at 20,000 events/s: 362 to 176 in a run) and the host's
 * main-thread CPU per event by about a tenth. It costs memory, not saves it: in quick soaks
 * the host ended at 385-402 MB resident against 343-351 MB with the default (the first
 * comparison, on a loaded machine, had read the opposite). V8 sizes the young generation once, as it sets
 * up the heap, so the flag must be on the command line that starts the process
 * (`v8.setFlagsFromString` comes too late): browser mode's `npm run web` and the bench's
 * `npm run bench` carry it in package.json, and `npm start` gives it to Electron's main
 * process as `--js-flags` (Electron's `app.commandLine` reaches only the renderers).
 *
 * Old space. Left to itself, V8 lets the old space grow to up to four times what the last
 * full collection kept while the host allocates fast, and the resident memory follows: the
 * soak measured the host's old space growing by about 10 GB/h over a minute while what
 * stayed reachable after forced collections grew by under 0.1 GB/h. A fixed growing factor
 * starts the next full collection once the heap is half again as large as the live data, so
 * resident memory levels off near 1.5 times the live heap. V8 reads that flag each time it
 * sets the next collection's limit, so setting it once the process runs takes effect from the
 * next full collection (Node and Electron's main process alike).
 */
import { setFlagsFromString } from 'node:v8';

export const HOST_HEAP_GROWING_PERCENT = 50;

/** MB per semi-space of the host's young generation (V8's default on 64-bit machines: 16). */
export const HOST_SEMI_SPACE_MB = 32;

/** The V8 flags the host process must be started with (see above). */
export const HOST_V8_FLAGS = `--max-semi-space-size=${HOST_SEMI_SPACE_MB}`;

/** Call once, as the host process starts (browser mode's command line, Electron's main). */
export function boundHostHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HOST_HEAP_GROWING_PERCENT}`);
}

/** The part of Electron's `app.commandLine` that hostFlagsForMainOnly uses. */
export interface SwitchList {
  getSwitchValue(name: string): string;
  removeSwitch(name: string): void;
}

/**
 * Chromium passes Electron's `--js-flags` on to every renderer it starts. The host's young
 * generation is for the main process alone (the store host and the console's pages keep
 * Chromium's own sizing), so once main runs with it, the switch goes when it holds exactly
 * the host's flags; flags someone gave on purpose stay. Call before the app is ready.
 */
export function hostFlagsForMainOnly(commandLine: SwitchList): void {
  if (commandLine.getSwitchValue('js-flags') === HOST_V8_FLAGS) commandLine.removeSwitch('js-flags');
}
