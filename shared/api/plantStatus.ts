/**
 * The plant link's state as the API reports it (inside `metrics.get`) and the app bar shows
 * it: connected; offline since a time with N events waiting in the outbox; catching up with
 * N stream messages still to take. Types only; main/plant fills them. No secret is in here.
 */
export type PlantLinkState = 'connecting' | 'connected' | 'catching-up' | 'offline';

export interface PlantLinkStatus {
  readonly station: string;
  readonly stream: string;
  readonly servers: readonly string[];
  readonly state: PlantLinkState;
  /** When the link entered this state (ms since the epoch). */
  readonly since: number;
  /** Events this station made that the stream has not acknowledged yet (the outbox). */
  readonly waiting: number;
  /** Stream messages this station has not taken in yet. */
  readonly behind: number;
  readonly published: number;
  readonly received: number;
  readonly rejected: number;
  /** The latest failure, in one sentence, and when; kept after the link recovers. */
  readonly lastError: { readonly message: string; readonly at: number } | null;
}

/** The chip's words for a status, e.g. "Plant link: offline since 14:02:11, 35 waiting". */
export function describePlantLink(status: PlantLinkStatus, formatTime: (ms: number) => string): string {
  switch (status.state) {
    case 'connected':
      return `Plant link: connected${status.waiting > 0 ? `, ${status.waiting} waiting` : ''}`;
    case 'catching-up':
      return `Plant link: catching up, ${status.behind} behind`;
    case 'connecting':
      return `Plant link: connecting${status.waiting > 0 ? `, ${status.waiting} waiting` : ''}`;
    case 'offline':
      return `Plant link: offline since ${formatTime(status.since)}, ${status.waiting} waiting`;
  }
}
