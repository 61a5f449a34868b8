/**
 * The timers a producer runs on. The defaults call the global timers at call time, so a test
 * that installs fake timers (vi.useFakeTimers) drives the producers without injecting anything.
 */
export interface ProducerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const globalTimers: ProducerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
