// Absence of data as stations sharing one history judge it (issue 14): equipment named by a
// rule is silent from the rule change, whenever an engine first ticks; and a tick that may not
// judge absence (the station is still catching up the history) neither raises nor moves the
// clock, so the raise comes later, dated at the same deadline as at a station that ticked all along.
import { describe, expect, it } from 'vitest';
import { createAlarmEngine, evaluateAlarms, setAlarmRules, tickAlarms, type AlarmEngineState } from '../../shared/domain/alarms/engine';
import type { EventDraft } from '../../shared/domain/alarms/lifecycle';
import { validateAlarmRule } from '../../shared/domain/alarms/validateRule';

const T0 = 1_700_000_000_000;
const S = 1_000;
const SILENT = validateAlarmRule({ id: 'silent', name: 'No data', enabled: true, priority: 'NORMAL', kind: 'absence', equipment: ['press-9'], timeoutMs: 60 * S });
const ANY_SILENT = validateAlarmRule({ id: 'any-silent', name: 'No data', enabled: true, priority: 'NORMAL', kind: 'absence', timeoutMs: 60 * S });

const raised = (drafts: readonly EventDraft[]) => drafts.filter((d) => d.type === 'alarm.raised').map((d) => `${String(d.payload.alarmId)} @${d.timestamp - T0}`);

/** Ticks once a second from `from` to `to`, keeping the raises. */
function tickEverySecond(state: AlarmEngineState, from: number, to: number, absence: (at: number) => boolean = () => true) {
  const drafts: EventDraft[] = [];
  for (let at = from; at <= to; at += S) {
    const step = tickAlarms(state, at, { absence: absence(at) });
    state = step.state;
    drafts.push(...step.drafts);
  }
  return { state, raises: raised(drafts) };
}

describe('absence judged from the shared history', () => {
  it('times equipment never heard from the rule change, not from the first tick', () => {
    const changed = setAlarmRules(createAlarmEngine([]), [SILENT], T0).state;
    // One station ticks from the change on; another starts ticking 40 s later.
    const early = tickEverySecond(changed, T0, T0 + 90 * S);
    const late = tickEverySecond(changed, T0 + 40 * S, T0 + 90 * S);
    expect(early.raises).toEqual(['silent:press-9 @60000']);
    expect(late.raises).toEqual(early.raises);
  });

  it('holds absence while the history is incomplete, then raises it dated at its deadline', () => {
    const heard = evaluateAlarms(createAlarmEngine([ANY_SILENT]), { id: 'r-1', type: 'equipment.telemetry.recorded', timestamp: T0, payload: { equipmentId: 'press-1' } }).state;
    const allAlong = tickEverySecond(heard, T0, T0 + 90 * S);
    // Catching up until T0 + 75 s: nothing is judged, and nothing of the monitor moves.
    const held = tickEverySecond(heard, T0, T0 + 90 * S, (at) => at > T0 + 75 * S);
    expect(allAlong.raises).toEqual(['any-silent:press-1 @60000']);
    expect(held.raises).toEqual(allAlong.raises);
    expect(tickEverySecond(heard, T0, T0 + 90 * S, () => false).raises).toEqual([]);
  });
});
