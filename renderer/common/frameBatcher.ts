/**
 * Coalesces a stream of pushes into at most one update per animation frame, so that a flood
 * of events costs one render a frame rather than one per event. Keeps at most `maxItems`
 * (the newest) between frames and counts the rest as overflow (a hidden window gets no
 * frames, so the buffer must stay bounded).
 */
export interface FrameBatch<T> {
  readonly items: T[];
  /** Items pushed since the last flush but left out because the buffer was full. */
  readonly overflow: number;
}

export interface FrameBatcher<T> {
  push(item: T): void;
  dispose(): void;
}

export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(() => callback()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export function createFrameBatcher<T>(flush: (batch: FrameBatch<T>) => void, maxItems = 5_000, scheduler: FrameScheduler = animationFrames): FrameBatcher<T> {
  let items: T[] = [];
  let overflow = 0;
  let handle: number | null = null;
  let disposed = false;
  const run = () => {
    handle = null;
    const batch = { items, overflow };
    items = [];
    overflow = 0;
    if (!disposed) flush(batch);
  };
  return {
    push(item) {
      if (disposed) return;
      items.push(item);
      if (items.length > maxItems) {
        items.splice(0, items.length - maxItems);
        overflow += 1;
      }
      handle ??= scheduler.request(run);
    },
    dispose() {
      disposed = true;
      if (handle !== null) scheduler.cancel(handle);
      handle = null;
      items = [];
    },
  };
}
