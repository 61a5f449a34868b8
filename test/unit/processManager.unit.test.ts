import { describe, expect, it } from 'vitest';
import { createAlarmEngine, evaluateAlarms } from '../../shared/domain/alarms/engine';
import type { EventDraft } from '../../shared/domain/alarms/lifecycle';
import { DEFAULT_ALARM_RULES } from '../../shared/domain/alarms/rules';
import { evolveEquipment, initialEquipmentState } from '../../shared/domain/equipment';
import { decideQualityHold, initialQualityHoldState, qualityHoldRuleIds } from '../../shared/domain/processManager';
import type { QualityHoldState, QualityHoldTrigger } from '../../shared/domain/processManager';
import type { JsonObject } from '../../shared/events/event';
import { validatePublishInput } from '../../shared/events/validate';

const T0 = 1_700_000_000_000;

function raisedAlarm(id: string, payload: JsonObject = {}, correlationId?: string): QualityHoldTrigger {
  const event: QualityHoldTrigger = {
    id, type: 'alarm.raised', timestamp: T0,
    payload: { alarmId: 'quality-checks-failing:press-1', ruleId: 'quality-checks-failing', ruleKind: 'countInWindow', ruleName: '3 failed quality checks in 10 minutes', equipmentId: 'press-1', ...payload },
  };
  return correlationId === undefined ? event : { ...event, correlationId };
}

/** Given triggers already handled, when one more arrives, then: */
function given(...handled: QualityHoldTrigger[]): { state: QualityHoldState; when: (e: QualityHoldTrigger) => { state: QualityHoldState; drafts: EventDraft[] } } {
  const state = handled.reduce((s, e) => decideQualityHold(s, e).state, initialQualityHoldState());
  return { state, when: (e) => decideQualityHold(state, e) };
}

describe('quality-hold process manager', () => {
  it('given nothing handled, when a count-in-window alarm is raised, then a hold and a maintenance are requested, linked to it', () => {
    const { state, drafts } = given().when(raisedAlarm('trigger-1', {}, 'order-42'));
    expect(drafts.map((d) => d.type)).toEqual(['equipment.hold.requested', 'maintenance.scheduled']);
    for (const draft of drafts) {
      expect(draft).toMatchObject({ correlationId: 'order-42', causationId: 'trigger-1', timestamp: T0, priority: 'HIGH' });
      expect(draft.payload).toMatchObject({ equipmentId: 'press-1', alarmId: 'quality-checks-failing:press-1', triggerEventId: 'trigger-1' });
      expect(() => validatePublishInput(draft)).not.toThrow();
    }
    expect(drafts[1]?.payload).toMatchObject({ maintenanceId: 'quality-hold-trigger-1', scheduledFor: T0 });
    expect(state.handled).toEqual(['trigger-1']);
  });

  it('given a trigger without a correlation id, then its own id correlates the drafts', () => {
    expect(given().when(raisedAlarm('trigger-2')).drafts[0]?.correlationId).toBe('trigger-2');
  });

  it('given a trigger handled, when it is delivered again, then nothing happens (same state)', () => {
    const { state, when } = given(raisedAlarm('trigger-1'));
    const again = when(raisedAlarm('trigger-1'));
    expect(again.drafts).toEqual([]);
    expect(again.state).toBe(state);
  });

  it('when other alarms or events arrive, then nothing happens', () => {
    const { when } = given();
    expect(when(raisedAlarm('a', { ruleKind: 'threshold' })).drafts).toEqual([]);
    expect(when({ ...raisedAlarm('b'), type: 'alarm.cleared' }).drafts).toEqual([]);
    expect(when(raisedAlarm('c', { equipmentId: '' })).drafts).toEqual([]);
    expect(when({ ...raisedAlarm('d'), payload: [1] }).drafts).toEqual([]);
    expect(decideQualityHold(initialQualityHoldState(), raisedAlarm('e'), { ruleIds: ['other-rule'] }).drafts).toEqual([]);
  });

  it('remembers a bounded number of trigger ids, oldest forgotten first', () => {
    let state = initialQualityHoldState();
    for (const id of ['t1', 't2', 't3']) state = decideQualityHold(state, raisedAlarm(id), { memory: 2 }).state;
    expect(state.handled).toEqual(['t2', 't3']);
    expect(decideQualityHold(state, raisedAlarm('t3'), { memory: 2 }).drafts).toEqual([]);
  });

  it('given the default rules, then the quality count rule is the trigger; end to end, the engine alarm leads to a scheduled maintenance', () => {
    const ruleIds = qualityHoldRuleIds(DEFAULT_ALARM_RULES);
    expect(ruleIds).toEqual(['quality-checks-failing']);
    let engine = createAlarmEngine(DEFAULT_ALARM_RULES);
    const alarmDrafts: EventDraft[] = [];
    for (let i = 0; i < 3; i += 1) {
      const step = evaluateAlarms(engine, { id: `check-${i}`, type: 'quality.check.failed', timestamp: T0 + i * 60_000, payload: { equipmentId: 'press-3' } });
      engine = step.state;
      alarmDrafts.push(...step.drafts);
    }
    expect(alarmDrafts.map((d) => d.type)).toEqual(['alarm.raised']);
    const published = { ...(alarmDrafts[0] as EventDraft), id: 'alarm-evt-1' };
    const { drafts } = decideQualityHold(initialQualityHoldState(), published, { ruleIds });
    expect(drafts[0]).toMatchObject({ causationId: 'alarm-evt-1', correlationId: 'check-2', payload: { equipmentId: 'press-3' } });
    const equipment = drafts.reduce(evolveEquipment, initialEquipmentState('press-3'));
    expect(equipment.maintenance.scheduled).toMatchObject({ maintenanceId: 'quality-hold-alarm-evt-1' });
  });
});
