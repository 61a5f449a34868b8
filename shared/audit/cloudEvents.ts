/**
 * Events as CloudEvents 1.0 (JSON, structured mode) and back. The context attributes:
 * `id`, `source`, `type`, `subject`, `time` (RFC 3339, UTC, milliseconds), `datacontenttype`
 * (`application/json`) and `data` (the payload). What the console adds rides as extension
 * attributes (lower-case letters and digits, at most 20 characters, as CloudEvents asks):
 * `priority`, `correlationid`, `causationid`, `plantseq`, `plantstatus`, `plantstorehash`,
 * `plantmetadata` (the metadata as canonical JSON text, since an extension holds no objects),
 * and the export's chain, `planthash` after `plantprevhash`, the same chain as the NDJSON
 * export's. The last event of an export is its manifest, of type MANIFEST_TYPE.
 *
 * CloudEvents asks `source` to be a URI reference; a console source that is not one (free text
 * such as `line 1 HMI`) is sent percent-encoded, with the text itself in `plantsource`.
 *
 * Reading back builds the NDJSON export line of each CloudEvent, so that an export made here
 * verifies like an NDJSON one; CloudEvents from elsewhere carry no chain and import only as
 * unverified, their ids made UUIDv7 (time from `time`, the rest from a hash of source and id,
 * so that a second import finds them) with the original id kept in the metadata. A
 * CloudEvent that is not well formed is refused with one sentence.
 */
import type { JsonObject, JsonValue, StoredEvent } from '../events/event';
import { PRIORITIES } from '../events/event';
import { isUuidV7 } from '../events/uuidv7';
import { sha256HexOfText } from './sha256';
import { canonicalJson } from './canonical';
import type { ExportManifest } from './exportFormat';

export const MANIFEST_TYPE = 'audit.manifest.recorded';
export const MANIFEST_SOURCE = 'plant-event-console/audit';
export const JSON_CONTENT_TYPE = 'application/json';

export type CloudEventJson = Record<string, JsonValue>;

const CONTEXT_ATTRIBUTES: ReadonlySet<string> = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64']);
/** The console's own extensions, read back into the event's fields. */
const PLANT_EXTENSIONS: ReadonlySet<string> = new Set(['priority', 'correlationid', 'causationid', 'plantseq', 'plantstatus', 'plantstorehash', 'plantmetadata', 'planthash', 'plantprevhash', 'planttimestamp', 'plantsource']);
const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const MAX_INT32 = 2_147_483_647;
/** A URI reference by RFC 3986 in its plain forms: allowed characters only, no escapes, a scheme or no colon before the first slash. */
const PLAIN_URI_REFERENCE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:|(?![^/]*:))[A-Za-z0-9\-._~:/?@!$&'()*+,;=]*(?:#[A-Za-z0-9\-._~:/?@!$&'()*+,;=]*)?$/;

function uriSource(source: string): string {
  return PLAIN_URI_REFERENCE.test(source) ? source : encodeURIComponent(source);
}

/** A UUIDv7 for a foreign id: its time from the event's, the rest from a hash of source and id. */
function uuidV7Of(source: string, id: string, timestamp: number): string {
  const hex = sha256HexOfText(`${source}\n${id}`);
  const ms = Math.max(0, Math.min(Math.floor(timestamp), 2 ** 48 - 1)).toString(16).padStart(12, '0');
  const variant = ((parseInt(hex[3] as string, 16) & 0x3) | 0x8).toString(16);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${hex.slice(0, 3)}-${variant}${hex.slice(4, 7)}-${hex.slice(7, 19)}`;
}

export class CloudEventError extends Error {
  override name = 'CloudEventError';
}

/** The CloudEvent of a stored event, with its place in the export's chain. */
export function toCloudEvent(event: StoredEvent, chain: { readonly prevHash: string; readonly hash: string }): CloudEventJson {
  const cloudEvent: CloudEventJson = { specversion: '1.0', id: event.id, source: uriSource(event.source), type: event.type };
  if (cloudEvent.source !== event.source) cloudEvent.plantsource = event.source;
  if (event.subject !== undefined) cloudEvent.subject = event.subject;
  cloudEvent.time = new Date(Math.floor(event.timestamp)).toISOString();
  cloudEvent.datacontenttype = JSON_CONTENT_TYPE;
  cloudEvent.data = event.payload;
  cloudEvent.priority = event.priority;
  if (event.correlationId !== undefined) cloudEvent.correlationid = event.correlationId;
  if (event.causationId !== undefined) cloudEvent.causationid = event.causationId;
  // CloudEvents integers are 32-bit; a larger seq travels as text.
  cloudEvent.plantseq = event.seq <= MAX_INT32 ? event.seq : String(event.seq);
  cloudEvent.plantstatus = event.status;
  if (!Number.isInteger(event.timestamp)) cloudEvent.planttimestamp = String(event.timestamp);
  if (event.hash !== undefined) cloudEvent.plantstorehash = event.hash;
  if (Object.keys(event.metadata).length > 0) cloudEvent.plantmetadata = canonicalJson(event.metadata);
  cloudEvent.plantprevhash = chain.prevHash;
  cloudEvent.planthash = chain.hash;
  return cloudEvent;
}

/** The export's manifest as its last CloudEvent. */
export function manifestCloudEvent(manifest: ExportManifest): CloudEventJson {
  return {
    specversion: '1.0',
    id: `manifest-${manifest.hash}`,
    source: MANIFEST_SOURCE,
    type: MANIFEST_TYPE,
    time: manifest.exportedAt,
    datacontenttype: JSON_CONTENT_TYPE,
    data: manifest as unknown as JsonObject,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function requiredText(cloudEvent: Record<string, unknown>, name: string): string {
  const value = cloudEvent[name];
  if (typeof value !== 'string' || value === '') throw new CloudEventError(`"${name}" must be a non-empty string`);
  return value;
}

function optionalText(cloudEvent: Record<string, unknown>, name: string): string | undefined {
  const value = cloudEvent[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CloudEventError(`"${name}" must be a non-empty string`);
  return value;
}

/**
 * The NDJSON export line (as a JSON object) that `candidate` stands for: an event line, or
 * `{ manifest }` for the manifest. Throws CloudEventError naming what is wrong.
 */
export function exportLineOfCloudEvent(candidate: unknown): JsonObject {
  if (!isObject(candidate)) throw new CloudEventError('not a JSON object');
  if (candidate.specversion !== '1.0') throw new CloudEventError(`"specversion" must be "1.0"${typeof candidate.specversion === 'string' ? `, not "${candidate.specversion.slice(0, 20)}"` : ''}`);
  for (const [name, value] of Object.entries(candidate)) {
    if (CONTEXT_ATTRIBUTES.has(name)) continue;
    if (!EXTENSION_NAME.test(name)) throw new CloudEventError(`"${name.slice(0, 40)}" is not a CloudEvents attribute name (lower-case letters and digits, at most 20)`);
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isInteger(value))) {
      throw new CloudEventError(`extension "${name}" must be a string, an integer or a boolean`);
    }
  }
  if (candidate.data_base64 !== undefined) throw new CloudEventError('binary data ("data_base64") is not accepted: events carry JSON data');
  const contentType = optionalText(candidate, 'datacontenttype');
  if (contentType !== undefined && !/^application\/([a-z0-9.+-]*\+)?json(\s*;.*)?$/i.test(contentType)) {
    throw new CloudEventError(`"datacontenttype" must be JSON (application/json), not "${contentType.slice(0, 60)}"`);
  }
  const type = requiredText(candidate, 'type');
  if (type === MANIFEST_TYPE) {
    if (!isObject(candidate.data)) throw new CloudEventError('the manifest\'s "data" must be an object');
    return { manifest: candidate.data as JsonObject };
  }
  return eventLine(candidate, type);
}

function eventLine(candidate: Record<string, unknown>, type: string): JsonObject {
  const time = requiredText(candidate, 'time');
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time))) throw new CloudEventError(`"time" must be an RFC 3339 time such as 2026-12-03T08:00:00.000Z, not "${time.slice(0, 40)}"`);
  const exactTime = optionalText(candidate, 'planttimestamp');
  const timestamp = exactTime === undefined ? Date.parse(time) : Number(exactTime);
  const givenId = requiredText(candidate, 'id');
  const source = optionalText(candidate, 'plantsource') ?? requiredText(candidate, 'source');
  const id = isUuidV7(givenId) ? givenId : uuidV7Of(requiredText(candidate, 'source'), givenId, timestamp);
  const metadata = metadataOf(candidate);
  const line: JsonObject = {
    id,
    type,
    source,
    timestamp,
    payload: (candidate.data ?? null) as JsonValue,
    priority: priorityOf(candidate.priority),
    status: optionalText(candidate, 'plantstatus') ?? 'PUBLISHED',
    metadata: id === givenId ? metadata : { ...metadata, cloudEvents: { ...(metadata.cloudEvents as JsonObject | undefined), id: givenId } },
  };
  const fields: [string, string][] = [['subject', 'subject'], ['correlationid', 'correlationId'], ['causationid', 'causationId'], ['plantstorehash', 'storeHash'], ['planthash', 'hash'], ['plantprevhash', 'prevHash']];
  for (const [attribute, field] of fields) {
    const value = optionalText(candidate, attribute);
    if (value !== undefined) line[field] = value;
  }
  const seq = candidate.plantseq;
  if (seq !== undefined) {
    const number = typeof seq === 'string' && /^\d{1,16}$/.test(seq) ? Number(seq) : seq;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) throw new CloudEventError('"plantseq" must be a whole number of at least 1');
    line.seq = number;
  }
  return line;
}

function priorityOf(value: unknown): string {
  if (value === undefined) return 'NORMAL';
  const priority = typeof value === 'string' ? value.toUpperCase() : '';
  if (!(PRIORITIES as readonly string[]).includes(priority)) throw new CloudEventError(`"priority" must be one of ${PRIORITIES.join(', ')}`);
  return priority;
}

/** The console's metadata, plus any foreign extensions under `cloudEvents` so that none is lost. */
function metadataOf(candidate: Record<string, unknown>): JsonObject {
  let metadata: JsonObject = {};
  const text = optionalText(candidate, 'plantmetadata');
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CloudEventError('"plantmetadata" must be a JSON object as text');
    }
    if (!isObject(parsed)) throw new CloudEventError('"plantmetadata" must be a JSON object as text');
    metadata = parsed as JsonObject;
  }
  const foreign = Object.entries(candidate).filter(([name]) => !CONTEXT_ATTRIBUTES.has(name) && !PLANT_EXTENSIONS.has(name));
  const dataschema = optionalText(candidate, 'dataschema');
  if (foreign.length === 0 && dataschema === undefined) return metadata;
  return { ...metadata, cloudEvents: Object.fromEntries([...foreign, ...(dataschema === undefined ? [] : [['dataschema', dataschema]])]) as JsonObject };
}
