/**
 * The alarm engine's public surface: rules as data, the ISA-18.2 life cycle, monitors, the
 * pure engine steps and the KPIs. Main wires these into the bus; the renderer may use the
 * types and `computeAlarmKpis`.
 */
export * from './rules';
export * from './validateRule';
export * from './lifecycle';
export * from './decide';
export type { ConditionChange, MonitoredEvent, MonitorState } from './monitors';
export { createAlarmEngine, evaluateAlarms, evaluateAlarmsInOrder, tickAlarms, resumeAlarms, setAlarmRules, listActiveAlarms, alarmFromRule } from './engine';
export type { AlarmEngineState, AlarmEngineStep } from './engine';
export * from './commands';
export * from './kpis';
