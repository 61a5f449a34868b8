/**
 * Where an event received over the plant link came from: the station that published it
 * and its sequence in the plant stream, kept in `metadata.plant` by the receiving station.
 * Pure, so that consumers (the alarm monitor) and the link agree on what marks such an event.
 */
import type { JsonObject, PlantEvent } from './event';

/** The metadata key under which an event keeps its origin station and stream sequence. */
export const ORIGIN_KEY = 'plant';

export interface PlantOrigin extends JsonObject {
  readonly station: string;
  readonly streamSeq: number;
}

/** The origin an event received from the plant stream carries; undefined for an event this station made. */
export function originOf(event: Pick<PlantEvent, 'metadata'>): PlantOrigin | undefined {
  const origin = event.metadata[ORIGIN_KEY];
  if (origin === null || typeof origin !== 'object' || Array.isArray(origin)) return undefined;
  return typeof origin.streamSeq === 'number' && typeof origin.station === 'string' ? (origin as PlantOrigin) : undefined;
}

/**
 * Why an event from outside (the API, an MQTT body) may not carry `metadata.plant`: the link
 * would take it for one received from the stream and never send it to the other stations,
 * and the alarm monitor would apply it as another station's decision.
 */
export const CLAIMED_ORIGIN_REASON = `metadata.${ORIGIN_KEY}: is written only by the plant link, for events it received from the plant stream`;

/** Whether metadata from outside claims to have come over the plant link. */
export function claimsPlantOrigin(metadata: unknown): boolean {
  return metadata !== null && typeof metadata === 'object' && Object.hasOwn(metadata, ORIGIN_KEY);
}
