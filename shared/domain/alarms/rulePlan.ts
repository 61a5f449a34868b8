/**
 * A rule set indexed for evaluation: for an event type, the rules that can do
 * anything with it (those watching that type, and the absence rules, which start timing an
 * equipment at its first event of any type), in the rule set's order; and each rule's alarm
 * ids by equipment. Every plant event used to go through every rule and build every alarm id
 * again; at thousands of events a second that scan was most of the engine's time.
 *
 * Plans are kept per rule array (a new rule set is a new array), so a state restored from a
 * snapshot or given new rules gets its own plan; nothing here changes what the engine decides.
 */
import { matchesPattern } from '../../events/patterns';
import { watchedType } from './monitors';
import { alarmIdOf, type AlarmRule } from './rules';

/** Event types remembered per plan before the list starts again (types are few in a plant). */
const TYPES_LIMIT = 1_000;
/** Equipment remembered per rule before its list of ids starts again. */
const IDS_LIMIT = 100_000;

export class RulePlan {
  private readonly byType = new Map<string, readonly AlarmRule[]>();
  private readonly ids = new Map<AlarmRule, Map<string, string>>();

  constructor(private readonly rules: readonly AlarmRule[]) {}

  /** The rules an event of `type` may concern, in the rule set's order (enabled or not: that is checked per event). */
  rulesFor(type: string): readonly AlarmRule[] {
    let rules = this.byType.get(type);
    if (rules === undefined) {
      rules = this.rules.filter((rule) => rule.kind === 'absence' || matchesPattern(watchedType(rule), type));
      if (this.byType.size >= TYPES_LIMIT) this.byType.clear();
      this.byType.set(type, rules);
    }
    return rules;
  }

  /** The same text as `alarmIdOf(rule.id, equipmentId)`, built once per rule and equipment. */
  alarmId(rule: AlarmRule, equipmentId: string): string {
    let ids = this.ids.get(rule);
    if (ids === undefined) this.ids.set(rule, (ids = new Map()));
    let id = ids.get(equipmentId);
    if (id === undefined) {
      id = alarmIdOf(rule.id, equipmentId);
      if (ids.size >= IDS_LIMIT) ids.clear();
      ids.set(equipmentId, id);
    }
    return id;
  }
}

const plans = new WeakMap<readonly AlarmRule[], RulePlan>();

export function planOf(rules: readonly AlarmRule[]): RulePlan {
  let plan = plans.get(rules);
  if (plan === undefined) plans.set(rules, (plan = new RulePlan(rules)));
  return plan;
}
