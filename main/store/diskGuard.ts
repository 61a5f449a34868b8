/**
 * Watches the free space of the disk that holds the data folder, so that the store never
 * meets a full disk (Chromium answers a full disk by deleting and recreating the database it
 * thinks broken). Under the threshold (default: the larger of 1 GB and 5% of the disk) new
 * appends are refused with one sentence and a CRITICAL system alarm is raised; when space is
 * back, appends resume and the alarm clears, by themselves.
 *
 * The console's own alarm events about this (and `store.recovered`) still pass: they are a
 * few hundred bytes, and the operator must see them.
 */
import { statfs } from 'node:fs/promises';
import type { AppendInput } from '../../shared/store/eventStore';
import type { EventBus } from '../bus/eventBus';
import { clearSystemAlarm, raiseSystemAlarm, type SystemAlarm } from './systemAlarm';

const MB = 1024 * 1024;
const GB = 1024 * MB;

export interface DiskSpace {
  readonly freeBytes: number;
  readonly totalBytes: number;
}

export interface DiskGuardOptions {
  readonly dataDir: string;
  /** Refuse appends below this many free bytes; default: the larger of 1 GB and 5% of the disk. */
  readonly minFreeBytes?: number;
  readonly intervalMs?: number;
  /** Where the free space comes from; `fs.statfs` of the data folder by default (tests give their own). */
  readonly probe?: (dataDir: string) => Promise<DiskSpace>;
  readonly log?: (line: string) => void;
}

export class DiskSpaceError extends Error {
  override readonly name = 'DiskSpaceError';
}

export async function statfsProbe(dataDir: string): Promise<DiskSpace> {
  const stats = await statfs(dataDir);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

export function defaultMinFreeBytes(totalBytes: number): number {
  return Math.max(GB, Math.ceil(totalBytes * 0.05));
}

const ALARM_ID = 'system:disk-space';
const PASSING_TYPES: ReadonlySet<string> = new Set(['alarm.raised', 'alarm.cleared', 'store.recovered']);

export class DiskGuard {
  private refusal: string | null = null;
  private raisedAt: number | null = null;
  private alarmed = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private bus: EventBus | null = null;
  private checking: Promise<void> = Promise.resolve();
  private readonly log: (line: string) => void;

  constructor(private readonly options: DiskGuardOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** The sentence appends are refused with, or null while there is room. */
  get refusing(): string | null {
    return this.refusal;
  }

  /** Throws DiskSpaceError for an append while the disk is nearly full (the console's own alarms pass). */
  readonly admit = (events: readonly AppendInput[]): void => {
    if (this.refusal === null) return;
    if (events.every((event) => event.source === 'system' && PASSING_TYPES.has(event.type))) return;
    throw new DiskSpaceError(this.refusal);
  };

  /** Checks now, then every `intervalMs` (default 5 s). */
  async start(): Promise<void> {
    await this.check();
    this.timer ??= setInterval(() => void this.check(), this.options.intervalMs ?? 5_000);
    this.timer.unref?.();
  }

  /** From now on alarms go through `bus` (the core starts after the first check); a low disk found before is alarmed now. */
  attach(bus: EventBus): Promise<void> {
    this.bus = bus;
    return this.check();
  }

  /** One check (serialised with any in progress). */
  check(): Promise<void> {
    this.checking = this.checking.then(() => this.checkOnce()).catch((error: unknown) => this.log(`disk watch: ${(error as Error).message}`));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const space = await (this.options.probe ?? statfsProbe)(this.options.dataDir);
    const limit = this.options.minFreeBytes ?? defaultMinFreeBytes(space.totalBytes);
    const freeMb = Math.floor(space.freeBytes / MB);
    const alarm: SystemAlarm = {
      alarmId: ALARM_ID, name: 'Disk space for the data folder', subject: 'data-folder', value: freeMb, limit: Math.ceil(limit / MB),
      note: `the disk holding ${this.options.dataDir} has ${freeMb} MB free (at least ${Math.ceil(limit / MB)} MB needed)`,
    };
    if (space.freeBytes < limit) {
      const wasRefusing = this.refusal !== null;
      this.refusal = `the disk holding the data folder has ${freeMb} MB free; new events are refused until space is freed`;
      if (!wasRefusing) {
        this.log(`disk watch: ${this.refusal}`);
        this.raisedAt = Date.now();
      }
      if (this.bus && !this.alarmed) {
        this.alarmed = true;
        await raiseSystemAlarm(this.bus, alarm, this.raisedAt ?? Date.now());
      }
    } else if (this.refusal !== null) {
      this.refusal = null;
      this.log(`disk watch: ${freeMb} MB free again; new events are accepted`);
      if (this.bus && this.alarmed) await clearSystemAlarm(this.bus, alarm, this.raisedAt ?? Date.now());
      this.alarmed = false;
      this.raisedAt = null;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
