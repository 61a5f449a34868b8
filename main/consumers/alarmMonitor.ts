/**
 * The alarm monitor: runs the pure alarm engine (shared/domain/alarms) on the bus. Plant
 * events are evaluated as they are stored, time-based rules on a one-second tick, operator
 * commands through the API; every alarm state change is published as an `alarm.*` event.
 *
 * Restart: the engine state is snapshotted every few thousand events. On start the monitor
 * takes the nearest snapshot and folds the events stored after it: plant events through the
 * engine, `alarm.*` events into the alarm states. Reactions to plant events get ids derived
 * from their cause, so a reaction already stored before a crash is refused as a duplicate
 * and one lost in the crash is published now.
 */
import {
  commandAlarms, createAlarmEngine, DEFAULT_ALARM_RULES, evaluateAlarmsInOrder, evolveAlarms, listActiveAlarms, resumeAlarms, setAlarmRules, tickAlarms,
  validateAlarmRules, type AlarmCommandKind, type AlarmEngineState, type AlarmRule, type AlarmState, type EventDraft,
} from '../../shared/domain/alarms';
import { derivedEventId, isDuplicateIdError } from '../../shared/events/derivedId';
import type { StoredEvent } from '../../shared/events/event';
import { originOf } from '../../shared/events/plantOrigin';
import type { EventStore } from '../../shared/store/eventStore';
import type { AlarmCommandOutcome } from '../../shared/api/contractOps';
import type { EventBus } from '../bus/eventBus';
import { pages } from '../../shared/store/readAll';
import { ReviewModeError } from '../core/reviewMode';
import { logErrorAs } from '../core/logError';
import { INGEST_CONNECTION_CHANGED, INGEST_STOPPED_REASON, type ConnectionChangedPayload } from '../../shared/ingest/ingestEvents';

export const RULES_CHANGED = 'alarm.rules.changed';
/** The key under which the plant simulator is held down while it is paused (see `sourceDown`). */
export const SIMULATOR_SOURCE = 'simulator';
export const ALARM_SNAPSHOT_KEY = 'alarm-engine';

export interface AlarmMonitorOptions {
  readonly bus: EventBus;
  readonly store: EventStore;
  readonly now?: () => number;
  readonly tickMs?: number;
  readonly snapshotEvery?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Review mode: the alarm states are read from the stored `alarm.*` events only; plant
   * events are not evaluated, time does not tick, nothing is published or snapshotted.
   */
  readonly review?: boolean;
  /**
   * The plant link (main/plant), when this station shares its history with others: its own
   * downtime is then no gap in the history (it catches up what it missed), so absence is
   * judged from the last reading in the history alone, and not while it is still catching up.
   */
  readonly sharedHistory?: { linked(): boolean; catchingUp(): boolean };
}

export class AlarmMonitor {
  private engine: AlarmEngineState = createAlarmEngine(DEFAULT_ALARM_RULES);
  private lastSeq = 0;
  private maxTimestamp = 0;
  private sinceSnapshot = 0;
  private publishing: Promise<void> = Promise.resolve();
  private ticker: ReturnType<typeof setInterval> | null = null;
  private untap: (() => void) | null = null;
  /** Sources known to be down (a paused simulator, a lost MQTT connection); while any is, absence rules do not count. */
  private readonly sourcesDown = new Set<string>();
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;

  constructor(private readonly options: AlarmMonitorOptions) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? logErrorAs('[alarms]');
  }

  async start(): Promise<void> {
    const snapshot = await this.options.store.nearestSnapshot(ALARM_SNAPSHOT_KEY);
    if (snapshot) {
      this.engine = snapshot.state as unknown as AlarmEngineState;
      this.lastSeq = snapshot.seq;
      this.maxTimestamp = snapshot.maxTimestamp;
    }
    for await (const events of pages(this.options.store, {}, this.lastSeq)) this.fold(events, true);
    // The engine was stopped until now: the silence while it was off is not the plant's
    // (unless the station shares the plant history, which holds what came meanwhile).
    if (!this.options.sharedHistory?.linked()) this.resume();
    if (this.options.review) return;
    this.untap = this.options.bus.onPublished((events) => this.fold(events, false));
    this.ticker = setInterval(() => this.tick(), this.options.tickMs ?? 1_000);
    await this.publishing;
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.untap?.();
    this.untap = null;
    await this.publishing;
    if (!this.options.review) await this.snapshot();
  }

  /** A source is back (console restarted, feed resumed or reconnected): absence rules count from now. */
  resume(): void {
    this.engine = resumeAlarms(this.engine, this.now());
  }

  /**
   * A source feeding the console is known to be down (paused, disconnected): until it is up
   * again its silence is not the plant's, so no absence rule fires. This holds the absence
   * rules of every equipment, not only those the source feeds: the console cannot know which
   * equipment a source feeds before it hears from it (equipment fed by another source that
   * stays up is then held too, until the source is back, and counts again from there).
   */
  sourceDown(source: string): void {
    this.sourcesDown.add(source);
  }

  /** The source is back: absence rules count again from now, a full timeout before any fires. */
  sourceUp(source: string): void {
    if (this.sourcesDown.delete(source)) this.resume();
  }

  active(): AlarmState[] {
    return listActiveAlarms(this.engine);
  }

  rules(): AlarmRule[] {
    return this.engine.rules;
  }

  async command(kind: AlarmCommandKind, alarmIds: string[], details: { note?: string; reason?: string; durationMs?: number; user: string }): Promise<AlarmCommandOutcome> {
    this.refuseInReview(`${kind} of alarms`);
    const result = commandAlarms(this.engine, { kind, alarmIds, ...details }, this.now());
    this.engine = result.state;
    this.publish(result.drafts, 'none');
    await this.publishing;
    const rejected = result.rejected.map(({ alarmId, reason }) => ({ alarmId, reason }));
    const refused = new Set(rejected.map((r) => r.alarmId));
    return { applied: alarmIds.filter((id) => !refused.has(id)), rejected };
  }

  /** Replaces the rule set; the change is itself an event, so rules replay like the rest. */
  async setRules(rules: AlarmRule[], change: { kind: 'created' | 'updated' | 'deleted'; ruleId: string; user: string }): Promise<void> {
    this.refuseInReview('a change of the alarm rules');
    validateAlarmRules(rules);
    await this.options.bus.publish({
      type: RULES_CHANGED,
      payload: { rules: rules as never, change: change.kind, ruleId: change.ruleId, user: change.user },
      priority: 'HIGH',
    });
    await this.publishing;
  }

  private refuseInReview(what: string): void {
    if (this.options.review) throw new ReviewModeError(what);
  }

  private fold(events: readonly StoredEvent[], catchingUp: boolean): void {
    // Consecutive plant events go through the engine together (one copy of its records for
    // the run); anything else, and a snapshot, first has the run before it applied.
    let run: StoredEvent[] = [];
    const applyRun = () => {
      if (run.length === 0) return;
      const step = evaluateAlarmsInOrder(this.engine, run);
      run = [];
      this.engine = step.state;
      this.publish(step.drafts, 'cause');
    };
    for (const event of events) {
      if (event.seq <= this.lastSeq) continue;
      this.lastSeq = event.seq;
      this.maxTimestamp = Math.max(this.maxTimestamp, event.timestamp);
      if (this.options.review) {
        this.review(event);
        continue;
      }
      const plain = event.type !== RULES_CHANGED && event.type !== INGEST_CONNECTION_CHANGED && !event.type.startsWith('alarm.');
      if (plain) run.push(event);
      else applyRun();
      if (event.type === RULES_CHANGED) {
        const step = setAlarmRules(this.engine, (event.payload as { rules?: unknown } | null)?.rules, event.timestamp);
        this.engine = step.state;
        this.publish(step.drafts, 'cause', event.id);
      } else if (event.type === INGEST_CONNECTION_CHANGED) {
        // Only live: a state replayed from before a restart says nothing about the connection now.
        if (!catchingUp) this.connectionChanged(event.payload as ConnectionChangedPayload);
      } else if (event.type.startsWith('alarm.')) {
        // Our own reactions: already applied live; after a restart, folded into the states.
        // The console's own alarms (main/store/systemAlarm.ts) and those another station's
        // engine or operator made (received over the plant link) come from outside the engine.
        if (catchingUp || event.source === 'system' || originOf(event)) this.engine = { ...this.engine, alarms: evolveAlarms(this.engine.alarms, event) };
      }
      if (++this.sinceSnapshot >= (this.options.snapshotEvery ?? 5_000)) {
        applyRun();
        this.snapshotSoon();
      }
    }
    applyRun();
  }

  /** Review mode: the rules and alarm states as the history recorded them, with no reaction of our own. */
  private review(event: StoredEvent): void {
    if (event.type === RULES_CHANGED) this.engine = setAlarmRules(this.engine, (event.payload as { rules?: unknown } | null)?.rules, event.timestamp).state;
    else if (event.type.startsWith('alarm.')) this.engine = { ...this.engine, alarms: evolveAlarms(this.engine.alarms, event) };
  }

  /**
   * An MQTT connection's life as the ingest publishes it. Any state but `connected` means the
   * broker is not feeding us, except the final `disconnected` of a deliberate stop (the
   * operator removed the connection, or the console shuts down): nothing will bring that
   * source back, so it is released and the equipment it fed counts from now.
   */
  private connectionChanged(payload: ConnectionChangedPayload): void {
    const source = `mqtt:${payload.connection}`;
    if (payload.state === 'connected' || (payload.state === 'disconnected' && payload.reason === INGEST_STOPPED_REASON)) this.sourceUp(source);
    else this.sourceDown(source);
  }

  private tick(): void {
    try {
      const now = this.now();
      // A source is down: keep absence monitors counting from now, so none fires for its outage.
      if (this.sourcesDown.size > 0) this.engine = resumeAlarms(this.engine, now);
      const step = tickAlarms(this.engine, now, { absence: !this.options.sharedHistory?.catchingUp() });
      this.engine = step.state;
      this.publish(step.drafts, 'deadline');
    } catch (error) {
      this.onError(error);
    }
  }

  /**
   * Publishes drafts in order. Ids are derived (so that a redelivery, a replay after a restart
   * or another station making the same transition gives the same id, and the store keeps one):
   * for a reaction to a stored event, from that event; for a transition a tick found, from the
   * deadline it is dated at (and the event behind it, if any). Operator commands get fresh ids.
   */
  private publish(drafts: readonly EventDraft[], ids: 'cause' | 'deadline' | 'none', cause?: string): void {
    if (drafts.length === 0) return;
    const { bus } = this.options;
    this.publishing = this.publishing.then(async () => {
      for (const draft of drafts) {
        const id = derivedAlarmId(draft, ids, cause);
        try {
          await bus.publish({ ...draft, ...(id ? { id } : {}), source: 'alarm-monitor' });
        } catch (error) {
          if (!isDuplicateIdError(error)) this.onError(error);
        }
      }
    });
  }

  /** Saves the engine as it is now, once the reactions so far are published (so none is lost with it). */
  private snapshotSoon(): void {
    this.sinceSnapshot = 0;
    const taken = { key: ALARM_SNAPSHOT_KEY, seq: this.lastSeq, maxTimestamp: this.maxTimestamp, state: JSON.parse(JSON.stringify(this.engine)) };
    this.publishing = this.publishing
      .then(() => this.options.store.saveSnapshot({ ...taken, createdAt: Date.now() }))
      .catch(this.onError);
  }

  private async snapshot(): Promise<void> {
    if (this.lastSeq === 0) return;
    this.snapshotSoon();
    await this.publishing;
  }
}

function derivedAlarmId(draft: EventDraft, ids: 'cause' | 'deadline' | 'none', cause: string | undefined): string | undefined {
  const alarm = `${draft.type}|${String(draft.payload.alarmId)}`;
  if (ids === 'deadline') return derivedEventId(`${alarm}|deadline ${draft.timestamp}|${draft.causationId ?? ''}`, draft.timestamp);
  const causeKey = draft.causationId ?? cause;
  return ids === 'cause' && causeKey ? derivedEventId(`${alarm}|${causeKey}`, draft.timestamp) : undefined;
}
