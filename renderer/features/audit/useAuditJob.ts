/**
 * The audit job of this console's core, as state: one operation runs at a time (whoever
 * started it); while one runs, `audit.status` is polled every 250 ms for its progress.
 * `run` starts an operation and resolves with its outcome (never throws), telling a
 * cancellation by the operator apart from a failure.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditJob } from '../../../shared/api/contractAudit';
import { useReportError } from '../../common/ErrorsProvider';
import { errorMessage } from '../../common/format';
import { usePlant } from '../../common/usePlant';

export type AuditKind = NonNullable<AuditJob['kind']>;

export interface Mine {
  readonly owner: string;
  readonly kind: AuditKind;
}

/** A failure's `code` is main's error code (e.g. `exists` for an export onto an existing file). */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly cancelled: boolean; readonly message: string; readonly code: string | null };

export interface AuditJobControl {
  /** The latest status read from main (null before the first answer). */
  readonly job: AuditJob | null;
  /** The operation this view started and is waiting for, and which section of it started it. */
  readonly mine: Mine | null;
  /** An operation runs: this view's or one started elsewhere on the same core. */
  readonly busy: boolean;
  run<T>(owner: string, kind: AuditKind, call: () => Promise<T>): Promise<Outcome<T>>;
  cancel(): void;
}

const POLL_MS = 250;

export function useAuditJob(): AuditJobControl {
  const plant = usePlant();
  const report = useReportError();
  const [job, setJob] = useState<AuditJob | null>(null);
  const [mine, setMine] = useState<Mine | null>(null);
  const cancelled = useRef(false);
  const mounted = useRef(true);

  const poll = useCallback(
    () => plant.audit.status().then((status) => void (mounted.current && setJob(status)), (error: unknown) => report('Reading the audit progress', error)),
    [plant, report],
  );

  useEffect(() => {
    mounted.current = true;
    void poll();
    return () => void (mounted.current = false);
  }, [poll]);

  const watching = mine !== null || job?.running === true;
  useEffect(() => {
    if (!watching) return;
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => clearInterval(timer);
  }, [watching, poll]);

  const run = useCallback(
    async <T>(owner: string, kind: AuditKind, call: () => Promise<T>): Promise<Outcome<T>> => {
      cancelled.current = false;
      setMine({ owner, kind });
      try {
        return { ok: true, value: await call() };
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        return { ok: false, cancelled: cancelled.current, message: errorMessage(error), code: typeof code === 'string' ? code : null };
      } finally {
        if (mounted.current) {
          setMine(null);
          void poll();
        }
      }
    },
    [poll],
  );

  const cancel = useCallback(() => {
    cancelled.current = true;
    plant.audit.cancel().then(
      () => void poll(),
      (error: unknown) => report('Cancelling the audit operation', error),
    );
  }, [plant, poll, report]);

  return { job, mine, busy: mine !== null || job?.running === true, run, cancel };
}
