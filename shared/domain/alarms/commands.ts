/**
 * Operator commands on the alarm engine: acknowledge (several alarms at once), shelve,
 * unshelve, suppress, unsuppress, remove from service, return to service. A malformed
 * command throws EventValidationError naming the field; an alarm whose state does not
 * allow the command is listed in `rejected` with the reason, and the others go ahead.
 */
import { EventValidationError } from '../../events/validate';
import { AlarmCommandError } from './decide';
import type { AlarmCause, AlarmCommandInput } from './decide';
import { alarmFromRule, Work } from './engine';
import type { AlarmEngineState, AlarmEngineStep } from './engine';
import { parseAlarmId } from './rules';

export const ALARM_COMMAND_KINDS = ['acknowledge', 'shelve', 'unshelve', 'suppress', 'unsuppress', 'removeFromService', 'returnToService'] as const;
export type AlarmCommandKind = (typeof ALARM_COMMAND_KINDS)[number];

export interface AlarmEngineCommand {
  kind: AlarmCommandKind;
  alarmIds: string[];
  /** Acknowledgement note. */
  note?: string;
  /** Why an alarm is shelved (required), suppressed or removed from service. */
  reason?: string;
  /** How long to shelve, at most the rule's and the site's maximum. */
  durationMs?: number;
  user?: string;
  /** The id of the command (or request) behind it, and its correlation id, copied onto the drafts. */
  causationId?: string;
  correlationId?: string;
}

export interface AlarmRejection {
  alarmId: string;
  reason: string;
}

export interface AlarmCommandResult extends AlarmEngineStep {
  rejected: AlarmRejection[];
}

const MAX_ALARMS_PER_COMMAND = 1000;

export function commandAlarms(state: AlarmEngineState, command: AlarmEngineCommand, now: number): AlarmCommandResult {
  checkShape(command);
  const work = new Work(state);
  const rejected: AlarmRejection[] = [];
  const rules = new Map(state.rules.map((rule) => [rule.id, rule]));
  const cause: AlarmCause = {};
  if (command.causationId !== undefined) cause.causationId = command.causationId;
  if (command.correlationId !== undefined) cause.correlationId = command.correlationId;

  for (const alarmId of command.alarmIds) {
    const parsed = parseAlarmId(alarmId);
    const rule = parsed ? rules.get(parsed.ruleId) : undefined;
    const known = work.alarms[alarmId];
    if (!known && (!parsed || !rule)) {
      rejected.push({ alarmId, reason: 'unknown alarm (no such rule)' });
      continue;
    }
    const alarm = known ?? alarmFromRule(rule!, parsed!.equipmentId);
    const conditionActive = work.monitors[alarmId]?.active ?? false;
    const ruleMax = rule?.maxShelveMs ?? state.maxShelveMs;
    try {
      work.decide(alarm, inputOf(command, conditionActive, Math.min(ruleMax, state.maxShelveMs)), now, cause);
    } catch (error) {
      if (!(error instanceof AlarmCommandError)) throw error;
      // The rejection names the alarm in its own field; the reason does not repeat it.
      rejected.push({ alarmId, reason: `cannot ${error.command}: ${error.why}` });
    }
  }
  return { ...work.done(), rejected };
}

function inputOf(command: AlarmEngineCommand, conditionActive: boolean, maxShelveMs: number): AlarmCommandInput {
  const who = command.user === undefined ? {} : { user: command.user };
  switch (command.kind) {
    case 'acknowledge':
      return command.note === undefined ? { kind: 'acknowledge', ...who } : { kind: 'acknowledge', note: command.note, ...who };
    case 'shelve':
      return { kind: 'shelve', reason: command.reason ?? '', durationMs: command.durationMs ?? 0, maxShelveMs, ...who };
    case 'suppress':
    case 'removeFromService':
      return command.reason === undefined ? { kind: command.kind, ...who } : { kind: command.kind, reason: command.reason, ...who };
    case 'unshelve':
    case 'unsuppress':
    case 'returnToService':
      return { kind: command.kind, conditionActive, ...who };
  }
}

function checkShape(command: AlarmEngineCommand): void {
  const fail = (field: string, rule: string): never => {
    throw new EventValidationError(field, rule);
  };
  if (typeof command !== 'object' || command === null) fail('command', 'must be an object');
  if (!(ALARM_COMMAND_KINDS as readonly unknown[]).includes(command.kind)) fail('kind', `must be one of ${ALARM_COMMAND_KINDS.join(', ')}`);
  const ids: unknown = command.alarmIds;
  if (!Array.isArray(ids) || ids.length === 0) fail('alarmIds', 'must be a non-empty array');
  if ((ids as unknown[]).length > MAX_ALARMS_PER_COMMAND) fail('alarmIds', `must have at most ${MAX_ALARMS_PER_COMMAND} items`);
  (ids as unknown[]).forEach((id, index) => {
    if (typeof id !== 'string' || id.length === 0) fail(`alarmIds[${index}]`, 'must be a non-empty string');
  });
  for (const key of ['note', 'reason', 'user', 'causationId', 'correlationId'] as const) {
    if (command[key] !== undefined && typeof command[key] !== 'string') fail(key, 'must be a string');
  }
  if (command.durationMs !== undefined && (typeof command.durationMs !== 'number' || !Number.isFinite(command.durationMs))) {
    fail('durationMs', 'must be a finite number');
  }
  if (command.kind === 'shelve') {
    if (command.reason === undefined || command.reason.trim().length === 0) fail('reason', 'is required to shelve an alarm');
    if (command.durationMs === undefined) fail('durationMs', 'is required to shelve an alarm');
  }
}
