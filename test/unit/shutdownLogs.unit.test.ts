// A clean stop prints no stack traces (issue 12 §1): the expected "store closed" of a stop
// is an error with a code for the caller, and expected errors are logged as one line.
import { describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../main/api/dispatch';
import type { ApiHandlers } from '../../main/api/apiHandlers';
import { BusClosedError } from '../../main/bus/errors';
import { errorLogLine, logErrorAs } from '../../main/core/logError';
import { StoreClosedError } from '../../main/store/storeClosedError';

describe('a call that meets the closed store while the application stops', () => {
  it('answers the caller with the code "closed" and logs nothing as an internal error', async () => {
    const onInternalError = vi.fn();
    const handlers = { 'metrics.get': () => Promise.reject(new StoreClosedError()) } as unknown as ApiHandlers;
    const dispatch = createDispatcher(handlers, onInternalError);
    expect(await dispatch('metrics.get', [], { clientId: 'page' })).toEqual({
      ok: false,
      error: { code: 'closed', message: 'metrics.get: store closed: the application is shutting down' },
    });
    expect(onInternalError).not.toHaveBeenCalled();
  });
});

describe('the log line of an error', () => {
  it('is one line for the expected errors of a stop, and keeps the stack for anything else', () => {
    expect(errorLogLine('[alarms]', new StoreClosedError())).toBe('[alarms] store closed: the application is shutting down');
    expect(errorLogLine('[bus]', new BusClosedError())).toBe('[bus] bus closed: the event was not published');
    const unexpected = errorLogLine('[alarms]', new TypeError('x is undefined'));
    expect(unexpected).toMatch(/^\[alarms\] TypeError: x is undefined\n\s+at /);
  });

  it('is what the components print by default', () => {
    const print = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      logErrorAs('[simulator]')(new BusClosedError());
      expect(print.mock.calls).toEqual([['[simulator] bus closed: the event was not published']]);
    } finally {
      print.mockRestore();
    }
  });
});
