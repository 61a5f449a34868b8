/**
 * The plant stream: created if missing (file storage, a duplicate window so that a
 * republished event id is stored once, subjects `plant.>`), and an existing stream's settings
 * checked, never changed: another station or an administrator may have set it up on purpose,
 * so what differs is reported in one sentence and the link waits.
 */
import { JetStreamApiError, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

/** How long the stream remembers message ids: a republish after a lost acknowledgement falls well inside it. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** The largest message the stream takes: an event's JSON (at most 256 KiB of payload) with room to spare. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const SUBJECT_PREFIX = 'plant.';

export class PlantStreamError extends Error {
  override readonly name = 'PlantStreamError';
}

export function subjectOf(type: string): string {
  return `${SUBJECT_PREFIX}${type}`;
}

function wanted(name: string): Partial<StreamConfig> & { name: string } {
  return { name, subjects: [`${SUBJECT_PREFIX}>`], storage: StorageType.File, duplicate_window: nanos(DUPLICATE_WINDOW_MS), max_msg_size: MAX_MESSAGE_BYTES };
}

/** Creates the stream when it is missing; throws a PlantStreamError naming what differs when it exists otherwise. */
export async function ensureStream(jsm: JetStreamManager, name: string): Promise<void> {
  let config: StreamConfig | null = null;
  try {
    config = (await jsm.streams.info(name)).config;
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
  }
  if (!config) {
    try {
      await jsm.streams.add(wanted(name));
    } catch (error) {
      if (!(error instanceof JetStreamApiError)) throw error;
      const hint = /overlap/i.test(error.message) ? ` (another stream already takes ${SUBJECT_PREFIX}>: name that one with --plant-stream)` : '';
      throw new PlantStreamError(`the stream ${name} cannot be created: ${error.message}${hint}.`);
    }
    return;
  }
  const differences = streamDifferences(config);
  if (differences.length > 0) {
    throw new PlantStreamError(`the stream ${name} exists with other settings than the plant link needs (${differences.join('; ')}); it was left as it is: change it on the server or name another stream with --plant-stream.`);
  }
}

/** What in an existing stream's settings would break the link's guarantees, in words. */
export function streamDifferences(config: StreamConfig): string[] {
  const found: string[] = [];
  if (!config.subjects?.includes(`${SUBJECT_PREFIX}>`)) found.push(`its subjects are ${JSON.stringify(config.subjects ?? [])}, not ["${SUBJECT_PREFIX}>"]`);
  if (config.storage !== StorageType.File) found.push(`its storage is ${config.storage}, not file`);
  if (config.retention !== 'limits') found.push(`its retention is ${config.retention}, not limits`);
  const windowMs = Math.round((config.duplicate_window ?? 0) / 1e6);
  if (windowMs < 60_000) found.push(`its duplicate window is ${windowMs} ms, less than a minute`);
  if (config.max_msg_size > 0 && config.max_msg_size < MAX_MESSAGE_BYTES) found.push(`it takes messages of at most ${config.max_msg_size} bytes, less than ${MAX_MESSAGE_BYTES}`);
  return found;
}
