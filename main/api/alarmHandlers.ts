/** The API handlers for alarms and their rules. */
import { InputError } from '../../shared/api/errors';
import { ALARM_EVENT_TYPES, computeAlarmKpis, type AlarmRule } from '../../shared/domain/alarms';
import type { StoredEvent } from '../../shared/events/event';
import { pages } from '../../shared/store/readAll';
import type { PlantCore } from '../core/plantCore';
import type { ApiHandlers } from './apiHandlers';

/** The most alarm events a KPI computation reads. */
const MAX_KPI_EVENTS = 200_000;

/**
 * Every alarm event type by name rather than `alarm.*`, so no other type is let through.
 * Alarms are rare among the plant's events: the Dexie store scans its index window's type
 * column, and before the window reads only the summaries of the segments holding an alarm
 * (oldTypes.ts), so the cost follows the number of alarms, not the event rate.
 */
const ALARM_TYPES: string[] = Object.values(ALARM_EVENT_TYPES);

type AlarmMethods = Extract<keyof ApiHandlers, `alarms.${string}` | `rules.${string}`>;

export function alarmHandlers(core: PlantCore): Pick<ApiHandlers, AlarmMethods> {
  const { alarms, store, user } = core;
  const rulesWithout = (id: string) => alarms.rules().filter((rule) => rule.id !== id);
  const findRule = (id: string): AlarmRule => {
    const rule = alarms.rules().find((r) => r.id === id);
    if (!rule) throw new InputError(`ruleId: no rule with id "${id}"`);
    return rule;
  };
  return {
    'alarms.list': async () => alarms.active(),
    'alarms.history': async (_ctx, query) => {
      const { alarmId, types, ...rest } = query;
      return store.query({ types: types ?? ALARM_TYPES, order: 'desc', ...rest, ...(alarmId ? { text: `"alarmId":"${alarmId}"` } : {}) });
    },
    'alarms.acknowledge': async (_ctx, ids, note) => alarms.command('acknowledge', ids, { note, user }),
    'alarms.shelve': async (_ctx, ids, { reason, durationMs }) => alarms.command('shelve', ids, { reason, durationMs, user }),
    'alarms.unshelve': async (_ctx, ids) => alarms.command('unshelve', ids, { user }),
    'alarms.suppress': async (_ctx, ids, reason) => alarms.command('suppress', ids, { reason: reason || 'suppressed by operator', user }),
    'alarms.unsuppress': async (_ctx, ids) => alarms.command('unsuppress', ids, { user }),
    'alarms.kpis': async (_ctx, { from, to }) => {
      if (to < from) throw new InputError('range: `to` must not be before `from`');
      const events: StoredEvent[] = [];
      for await (const page of pages(store, { types: ALARM_TYPES, from, to })) {
        events.push(...page);
        if (events.length >= MAX_KPI_EVENTS) break;
      }
      return computeAlarmKpis(events, { from, to, now: Date.now() });
    },
    'rules.list': async () => alarms.rules(),
    'rules.create': async (_ctx, rule) => {
      if (alarms.rules().some((r) => r.id === rule.id)) throw new InputError(`rule.id: a rule with id "${rule.id}" exists already`);
      await alarms.setRules([...alarms.rules(), rule], { kind: 'created', ruleId: rule.id, user });
      return rule;
    },
    'rules.update': async (_ctx, rule) => {
      findRule(rule.id);
      await alarms.setRules(alarms.rules().map((r) => (r.id === rule.id ? rule : r)), { kind: 'updated', ruleId: rule.id, user });
      return rule;
    },
    'rules.delete': async (_ctx, ruleId) => {
      findRule(ruleId);
      await alarms.setRules(rulesWithout(ruleId), { kind: 'deleted', ruleId, user });
      return true;
    },
  };
}
