/**
 * Admission and backpressure: a publish goes to the append only once it holds a place in
 * every queue its events go to. Otherwise it waits, up to the publish timeout, and is
 * refused with an overload error when the wait runs out. Waiting publishers queue
 * first-in first-out behind the subscriber that blocked them, and room freed there wakes
 * only as many of them as it can take.
 */
import { BusClosedError, BusOverloadError } from './errors';
import type { Demand, PublishUnit } from './publishUnit';
import type { Subscription } from './subscription';

/** A publish waiting for room in a full queue. */
interface Waiter {
  readonly demand: Demand;
  /** The publish itself: appended once let in, refused if its wait runs out. */
  readonly unit: PublishUnit;
  readonly started: number;
  /** The subscriber whose queue it waits on. */
  blockedBy: Subscription;
  /** Set once it was let in or refused. */
  settled: boolean;
}

export interface AdmissionOptions {
  /** How long a publish waits for room in a full queue before it fails. */
  readonly publishTimeoutMs: number;
  /** True once the bus is closing: waiters woken then are refused. */
  readonly isClosed: () => boolean;
  /** Hands a publish that was let in after waiting to the append. */
  readonly admit: (unit: PublishUnit) => void;
}

export class Admission {
  private readonly waiters = new Map<Subscription, Waiter[]>();
  /**
   * Every waiter in the order it started waiting; settled ones are dropped from the front as
   * they settle. One timer, due when the oldest waiter's wait runs out, times them all out:
   * a timer per blocked publish cost more than the rest of its wait.
   */
  private waitOrder: Waiter[] = [];
  private waitOrderHead = 0;
  private waitTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: AdmissionOptions) {}

  /**
   * Takes room in every queue the events go to: true when it did. Otherwise the publish
   * waits, and is handed to `admit` when let in.
   */
  reserveOrWait(unit: PublishUnit, demand: Demand): boolean {
    if (demand.subs.length === 0) return true;
    const blocked = this.tryReserveAll(demand);
    if (!blocked) return true;
    const waiter: Waiter = { demand, unit, blockedBy: blocked, started: Date.now(), settled: false };
    this.queueWaiter(waiter);
    this.waitOrder.push(waiter);
    if (!this.waitTimer) this.armWaitTimer();
    return false;
  }

  /** Room was freed in `sub`'s queue (or `sub` went away): let waiting publishers in, in order. */
  wake(sub: Subscription): void {
    if (this.waiters.size === 0) return;
    const queue = this.waiters.get(sub);
    if (!queue) return;
    while (queue.length > 0) {
      const head = queue[0] as Waiter;
      if (this.options.isClosed()) {
        queue.shift();
        head.settled = true;
        head.unit.refuse(new BusClosedError());
        continue;
      }
      if (sub.isActive && !sub.hasRoom(head.demand.countFor(sub))) return;
      queue.shift();
      const blocked = this.tryReserveAll(head.demand);
      if (!blocked) {
        head.settled = true;
        this.options.admit(head.unit);
        this.dropSettledWaiters();
      } else {
        head.blockedBy = blocked;
        this.queueWaiter(head);
        if (blocked === sub) return;
      }
    }
    this.waiters.delete(sub);
  }

  /** The bus has closed: refuses every publish still waiting and stops the timer. */
  dispose(): void {
    for (const sub of [...this.waiters.keys()]) this.wake(sub);
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.waitOrder = [];
    this.waitOrderHead = 0;
  }

  /**
   * Lets go of settled waiters at the front of the wait order (they hold their publish), so
   * that the order holds only waiters still waiting plus any settled out of turn behind them.
   */
  private dropSettledWaiters(): void {
    const order = this.waitOrder;
    let head = this.waitOrderHead;
    while (head < order.length && (order[head] as Waiter).settled) order[head++] = undefined as unknown as Waiter;
    if (head === order.length) {
      this.waitOrder = [];
      head = 0;
    } else if (head > 1024 && head * 2 > order.length) {
      this.waitOrder = order.slice(head);
      head = 0;
    }
    this.waitOrderHead = head;
  }

  /** Arms the one timeout timer for the oldest waiter still waiting, if any. */
  private armWaitTimer(): void {
    this.dropSettledWaiters();
    const oldest = this.waitOrder[this.waitOrderHead];
    if (oldest === undefined) return;
    const due = Math.max(0, oldest.started + this.options.publishTimeoutMs - Date.now());
    this.waitTimer = setTimeout(() => this.timeOutWaiters(), due);
  }

  /** Refuses, with an overload error, every waiter whose wait has run out; re-arms for the rest. */
  private timeOutWaiters(): void {
    this.waitTimer = null;
    const now = Date.now();
    const { publishTimeoutMs } = this.options;
    for (const waiter of this.waitOrder.slice(this.waitOrderHead)) {
      if (waiter.settled) continue;
      const waited = now - waiter.started;
      if (waited < publishTimeoutMs) break;
      this.removeWaiter(waiter);
      waiter.settled = true;
      waiter.unit.refuse(new BusOverloadError(waiter.blockedBy.name, waiter.blockedBy.capacity, waited));
    }
    this.armWaitTimer();
  }

  /** Reserves room in every live queue of `demand`, or in none; returns the queue that had no room. */
  private tryReserveAll(demand: Demand): Subscription | undefined {
    const { subs } = demand;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i] as Subscription;
      if (sub.isActive && !sub.hasRoom(demand.countAt(i))) return sub;
    }
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i] as Subscription;
      if (sub.isActive) sub.reserve(demand.countAt(i));
    }
    return undefined;
  }

  private queueWaiter(waiter: Waiter): void {
    let queue = this.waiters.get(waiter.blockedBy);
    if (!queue) this.waiters.set(waiter.blockedBy, (queue = []));
    queue.push(waiter);
  }

  private removeWaiter(waiter: Waiter): void {
    const queue = this.waiters.get(waiter.blockedBy);
    const at = queue ? queue.indexOf(waiter) : -1;
    if (queue && at >= 0) queue.splice(at, 1);
  }
}
