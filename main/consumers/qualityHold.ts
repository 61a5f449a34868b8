/**
 * The quality-hold process manager on the bus: when a quality count-in-window alarm is
 * raised for an equipment, it requests a hold of that equipment and schedules its
 * maintenance. It is a durable subscriber, so a raise it had not acknowledged before a stop
 * is delivered again; its reactions carry ids derived from the trigger, so a second delivery
 * stores nothing new.
 */
import { decideQualityHold, initialQualityHoldState, qualityHoldRuleIds, type QualityHoldState } from '../../shared/domain/processManager';
import type { AlarmRule } from '../../shared/domain/alarms';
import { derivedEventId, isDuplicateIdError } from '../../shared/events/derivedId';
import type { EventBus, Unsubscribe } from '../bus/eventBus';

export function startQualityHold(bus: EventBus, rules: () => readonly AlarmRule[]): Unsubscribe {
  let state: QualityHoldState = initialQualityHoldState();
  return bus.addHandler(
    'alarm.raised',
    async (event) => {
      const decision = decideQualityHold(state, event, { ruleIds: qualityHoldRuleIds(rules()) });
      state = decision.state;
      for (const draft of decision.drafts) {
        const id = derivedEventId(`${draft.type}|quality-hold|${event.id}`, draft.timestamp);
        try {
          await bus.publish({ ...draft, id, source: 'quality-hold' });
        } catch (error) {
          if (!isDuplicateIdError(error)) throw error;
        }
      }
    },
    { name: 'quality-hold' },
  );
}
