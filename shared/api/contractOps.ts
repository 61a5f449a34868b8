/**
 * The contract's operations part: alarms and their rules, the simulator, MQTT ingest, file
 * import, equipment diffs, per-minute aggregates and rejected ingest messages.
 */
import { z } from 'zod';
import type { AggregatePoint } from '../domain/aggregator';
import type { AlarmKpis, AlarmRule, AlarmState } from '../domain/alarms';
import { validateAlarmRule } from '../domain/alarms';
import type { EquipmentDiff } from '../domain/equipmentDiff';
import type { JsonValue } from '../events/event';
import { validateJson } from '../events/validate';
import type { EventPage } from '../store/eventStore';
import { arity, check, id, ids, method, time } from './contractKit';
import type { ImportReport, ImportProgress, MqttIngestStatus, MqttProbeResult, SimulatorStatus } from './statusTypes';

/** What an alarm command did: the alarms it applied to and those it could not, with why. */
export interface AlarmCommandOutcome {
  readonly applied: string[];
  readonly rejected: { readonly alarmId: string; readonly reason: string }[];
}

export interface MqttState {
  readonly status: MqttIngestStatus | null;
  /** The settings in use, without the password. */
  readonly settings: Record<string, unknown> | null;
}

export interface ImportState {
  readonly running: boolean;
  readonly file: string | null;
  readonly progress: ImportProgress | null;
  readonly report: ImportReport | null;
  readonly error: string | null;
}

/**
 * A settings entry's name. Names that objects already carry (`constructor`, `__proto__`,
 * `toString`…) and `prototype` are refused: such a key once made the whole file unreadable.
 */
export const settingsKey = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1–100 letters, digits, dots, dashes or underscores')
  .refine((key) => !(key in Object.prototype) && key !== 'prototype', 'is a reserved name (such as constructor, __proto__ or prototype): choose another');
/** The folders whose files the API may read and write when a path is typed (main/core/fileAccess.ts). */
const fileFolders = z
  .array(z.string().max(4_096).refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute folder'))
  .max(50)
  .nullable();
const note = z.string().max(2_000, 'at most 2,000 characters');
const range = z.object({ from: time, to: time }).strict();
const page = z.object({ cursor: z.string().max(200).optional(), limit: z.number().int().min(1).max(1_000).optional() }).strict();
const historyQuery = z
  .object({
    from: time.optional(),
    to: time.optional(),
    alarmId: id.optional(),
    types: z.array(z.string().regex(/^alarm(\.[a-z0-9*-]+)+$/, 'must be alarm.* event types')).max(20).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .extend(page.shape)
  .strict();
const shelve = z
  .object({ reason: z.string().trim().min(1, 'a shelve needs a reason').max(500), durationMs: z.number().int().min(60_000, 'at least one minute') })
  .strict();
const seriesQuery = z
  .object({
    from: time,
    to: time,
    by: z.enum(['total', 'type', 'equipment']),
    key: z.string().max(200).optional(),
    stepMinutes: z.number().int().min(1).max(1_440).optional(),
  })
  .strict();
/** `keepPassword`: the settings omit the password because the operator left the saved one unchanged. */
const mqttOptions = z.object({ keepPassword: z.boolean().optional() }).strict();
export type MqttApplyOptions = z.infer<typeof mqttOptions>;
const mqttArgs = (args: unknown[]): [Record<string, unknown>, MqttApplyOptions] => {
  arity(args, 1, 2);
  return [check(z.record(z.string(), z.unknown()), args[0], 'settings'), check(mqttOptions, args[1] ?? {}, 'options')];
};
const importRequest = z
  .object({
    path: z.string().min(1).max(4_096).refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path'),
    mode: z.enum(['all-or-nothing', 'valid-only']).optional(),
    format: z.enum(['ndjson', 'csv']).optional(),
  })
  .strict();

function rule(value: unknown, name: string): AlarmRule {
  try {
    return validateAlarmRule(value);
  } catch (error) {
    throw new TypeError(`${name}.${(error as Error).message}`);
  }
}

export const operationsContract = {
  'alarms.list': method<[], AlarmState[]>((args) => (arity(args, 0), [])),
  'alarms.history': method<[z.infer<typeof historyQuery>], EventPage>((args) => {
    arity(args, 0, 1);
    return [check(historyQuery, args[0] ?? {}, 'query')];
  }),
  'alarms.acknowledge': method<[string[], string], AlarmCommandOutcome>((args) => {
    arity(args, 1, 2);
    return [check(ids, args[0], 'alarmIds'), check(note, args[1] ?? '', 'note')];
  }),
  'alarms.shelve': method<[string[], z.infer<typeof shelve>], AlarmCommandOutcome>((args) => {
    arity(args, 2);
    return [check(ids, args[0], 'alarmIds'), check(shelve, args[1], 'shelve')];
  }),
  'alarms.unshelve': method<[string[]], AlarmCommandOutcome>((args) => (arity(args, 1), [check(ids, args[0], 'alarmIds')])),
  'alarms.suppress': method<[string[], string], AlarmCommandOutcome>((args) => {
    arity(args, 1, 2);
    return [check(ids, args[0], 'alarmIds'), check(note, args[1] ?? '', 'reason')];
  }),
  'alarms.unsuppress': method<[string[]], AlarmCommandOutcome>((args) => (arity(args, 1), [check(ids, args[0], 'alarmIds')])),
  'alarms.kpis': method<[z.infer<typeof range>], AlarmKpis>((args) => (arity(args, 1), [check(range, args[0], 'range')])),
  'rules.list': method<[], AlarmRule[]>((args) => (arity(args, 0), [])),
  'rules.create': method<[AlarmRule], AlarmRule>((args) => (arity(args, 1), [rule(args[0], 'rule')])),
  'rules.update': method<[AlarmRule], AlarmRule>((args) => (arity(args, 1), [rule(args[0], 'rule')])),
  'rules.delete': method<[string], boolean>((args) => (arity(args, 1), [check(id, args[0], 'ruleId')])),
  'simulator.status': method<[], SimulatorStatus | null>((args) => (arity(args, 0), [])),
  'simulator.setRate': method<[number], SimulatorStatus | null>((args) => {
    arity(args, 1);
    return [check(z.number().min(0, 'must be at least 0').max(20_000, 'at most 20,000 events/s'), args[0], 'rate')];
  }),
  'simulator.pause': method<[], SimulatorStatus | null>((args) => (arity(args, 0), [])),
  'simulator.resume': method<[], SimulatorStatus | null>((args) => (arity(args, 0), [])),
  'mqtt.status': method<[], MqttState>((args) => (arity(args, 0), [])),
  /** Settings are checked in full by main (validateMqttSettings), which names the bad field. */
  'mqtt.configure': method<[Record<string, unknown>, MqttApplyOptions?], MqttState>(mqttArgs),
  /** Connects once with these settings without saving or ingesting, and says what happened. */
  'mqtt.test': method<[Record<string, unknown>, MqttApplyOptions?], MqttProbeResult>(mqttArgs),
  'mqtt.disconnect': method<[], MqttState>((args) => (arity(args, 0), [])),
  'import.start': method<[z.infer<typeof importRequest>], ImportReport>((args) => (arity(args, 1), [check(importRequest, args[0], 'request')])),
  'import.status': method<[], ImportState>((args) => (arity(args, 0), [])),
  'import.cancel': method<[], boolean>((args) => (arity(args, 0), [])),
  'equipment.diff': method<[string, number, number], EquipmentDiff>((args) => {
    arity(args, 3);
    return [check(id, args[0], 'equipmentId'), check(time, args[1], 'fromMs'), check(time, args[2], 'toMs')];
  }),
  'aggregates.series': method<[z.infer<typeof seriesQuery>], AggregatePoint[]>((args) => (arity(args, 1), [check(seriesQuery, args[0], 'query')])),
  'settings.get': method<[], Record<string, JsonValue>>((args) => (arity(args, 0), [])),
  'settings.set': method<[string, JsonValue], boolean>((args) => {
    arity(args, 2);
    const key = check(settingsKey, args[0], 'key');
    if (key === 'fileFolders') check(fileFolders, args[1], 'value');
    return [key, validateJson(args[1], 'value')];
  }),
  'ingest.rejected': method<[z.infer<typeof page>], EventPage>((args) => (arity(args, 0, 1), [check(page, args[0] ?? {}, 'page')])),
} as const;
