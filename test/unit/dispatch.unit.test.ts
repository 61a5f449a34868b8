/**
 * The API's one door maps only the project's own error classes to the codes a caller sees;
 * anything else a handler throws is a bug: `internal`, and logged.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, InputError } from '../../shared/api/errors';
import { EventValidationError } from '../../shared/events/validate';
import { createDispatcher } from '../../main/api/dispatch';
import type { ApiHandlers } from '../../main/api/apiHandlers';
import { BusOverloadError } from '../../main/bus/errors';

const ctx = { clientId: 'test' };

/** A dispatcher whose `events.get` throws `error`; `logged` collects what it reports as internal. */
function throwing(error: unknown) {
  const logged: unknown[] = [];
  const handlers = { 'events.get': async () => Promise.reject(error) } as unknown as ApiHandlers;
  return { dispatch: createDispatcher(handlers, (e) => logged.push(e)), logged };
}

describe('dispatch error codes', () => {
  it('answers internal, and logs it, for a TypeError or RangeError thrown by a bug in a handler', async () => {
    for (const bug of [new TypeError("Cannot read properties of undefined (reading 'seq')"), new RangeError('Invalid array length')]) {
      const { dispatch, logged } = throwing(bug);
      expect(await dispatch('events.get', ['some-id'], ctx)).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(logged).toEqual([bug]);
    }
  });

  it("does not trust an error's name: a plain Error named like a project class is still internal", async () => {
    const impostor = Object.assign(new Error('looks like bad input'), { name: 'EventValidationError' });
    const { dispatch, logged } = throwing(impostor);
    expect(await dispatch('events.get', ['some-id'], ctx)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logged).toHaveLength(1);
  });

  it("maps the project's own classes to their codes without logging them", async () => {
    const cases: [unknown, string][] = [
      [new InputError('ruleId: no rule with id "r9"'), 'invalid-input'],
      [new EventValidationError('event.type', 'must be a string'), 'invalid-input'],
      [new BusOverloadError('projector', 10, 500), 'overloaded'],
      [new ApiError('exists', 'report.csv exists already'), 'exists'],
      [new DOMException('cancelled by the operator', 'AbortError'), 'cancelled'],
    ];
    for (const [error, code] of cases) {
      const { dispatch, logged } = throwing(error);
      expect(await dispatch('events.get', ['some-id'], ctx)).toMatchObject({ ok: false, error: { code, message: `events.get: ${(error as Error).message}` } });
      expect(logged).toEqual([]);
    }
  });
});
