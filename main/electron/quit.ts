/**
 * Quitting without losing writes: the first `before-quit` is held back while the bus and the
 * store client flush, then the process exits. Later `before-quit`s during the flush are held
 * back too (the user pressed quit twice); a flush that hangs is cut off after a deadline.
 */
export interface QuitSteps {
  /** Stops producers and consumers and waits for every pending write. */
  readonly flush: () => Promise<void>;
  readonly exit: (code: number) => void;
  readonly timeoutMs?: number;
  readonly log?: (message: string) => void;
}

export function createQuitHandler(steps: QuitSteps): (event: { preventDefault(): void }) => void {
  let state: 'running' | 'flushing' | 'done' = 'running';
  const log = steps.log ?? ((message) => console.error(`[quit] ${message}`));
  const timeoutMs = steps.timeoutMs ?? 15_000;

  return (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'flushing') return;
    state = 'flushing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`pending writes were not flushed within ${timeoutMs} ms`)), timeoutMs);
    });
    Promise.race([steps.flush(), deadline]).then(
      () => {
        clearTimeout(timer);
        state = 'done';
        steps.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        state = 'done';
        log(`quitting after an error: ${error instanceof Error ? error.message : String(error)}`);
        steps.exit(1);
      },
    );
  };
}
