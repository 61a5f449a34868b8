/**
 * One monitored-item change → one `equipment.telemetry.recorded` event, or the reason it
 * cannot be one. The reading carries the value; `payload.opcua` carries the node, the
 * source and server timestamps and the status code with its quality (Good, Uncertain,
 * Bad). A Bad value is recorded without a reading (its number means nothing), so the
 * event says the sensor failed and the board keeps no invented value. Only numbers and
 * booleans (1/0) become readings; anything else is refused with the reason.
 */
import { DataType, type DataValue } from 'node-opcua';
import type { JsonObject } from '../../../shared/events/event';
import type { PublishInput } from '../../../shared/events/validate';
import type { OpcuaItem } from '../../../shared/ingest/opcuaSettings';

export const TELEMETRY_RECORDED = 'equipment.telemetry.recorded';
export type Quality = 'Good' | 'Uncertain' | 'Bad';

export type ValueResult = { readonly ok: true; readonly event: PublishInput; readonly quality: Quality } | { readonly ok: false; readonly reason: string; readonly raw: string };

export interface ValueContext {
  readonly connection: string;
  readonly source: string;
  readonly receivedAt: number;
}

/** Good, Uncertain or Bad, from the status code's two severity bits. */
export function qualityOf(statusCode: number): Quality {
  const severity = statusCode >>> 30;
  return severity === 0 ? 'Good' : severity === 1 ? 'Uncertain' : 'Bad';
}

export function valueEvent(item: OpcuaItem, dataValue: DataValue, context: ValueContext): ValueResult {
  const code = dataValue.statusCode;
  const quality = qualityOf(code.value);
  const sourceTimestamp = timeOf(dataValue.sourceTimestamp);
  const serverTimestamp = timeOf(dataValue.serverTimestamp);
  const payload: JsonObject = { equipmentId: item.equipmentId };
  if (item.lineId) payload.lineId = item.lineId;
  if (quality !== 'Bad') {
    const reading = readingOf(dataValue);
    if (typeof reading === 'string') return { ok: false, reason: `${item.nodeId}: ${reading}`, raw: rawText(dataValue) };
    payload[item.reading] = reading;
  }
  payload.opcua = { connection: context.connection, nodeId: item.nodeId, reading: item.reading, quality, statusCode: code.name, sourceTimestamp, serverTimestamp };
  return {
    ok: true,
    quality,
    event: {
      type: TELEMETRY_RECORDED,
      payload,
      source: context.source,
      priority: quality === 'Bad' ? 'HIGH' : 'LOW',
      timestamp: sourceTimestamp ?? serverTimestamp ?? context.receivedAt,
      metadata: { ingest: { origin: 'opcua', connection: context.connection, nodeId: item.nodeId, receivedAt: context.receivedAt } },
    },
  };
}

/** The reading's number, or a sentence saying why the value is not one. */
function readingOf(dataValue: DataValue): number | string {
  const variant = dataValue.value;
  if (variant.arrayType !== undefined && variant.arrayType !== 0) return `the value is an array of ${DataType[variant.dataType]}; only single numbers and booleans become readings`;
  const value: unknown = variant.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? value : `the value ${String(value)} is not a finite number`;
  if (Array.isArray(value) && value.length === 2 && (variant.dataType === DataType.Int64 || variant.dataType === DataType.UInt64)) {
    // node-opcua gives 64-bit integers as [high, low] 32-bit words.
    const number = (value[0] as number) * 2 ** 32 + (value[1] as number);
    return Number.isSafeInteger(number) ? number : `the ${DataType[variant.dataType]} value is beyond what a reading holds exactly`;
  }
  return `the value is of type ${DataType[variant.dataType] ?? 'unknown'}; only numbers and booleans become readings`;
}

function timeOf(date: Date | null | undefined): number | null {
  const ms = date?.getTime();
  // OPC UA's "no time" is the year 1601, which node-opcua gives as a Date too.
  return ms === undefined || !Number.isFinite(ms) || ms <= 0 ? null : ms;
}

/** What the refused value was, as text for the rejected-message excerpt. */
function rawText(dataValue: DataValue): string {
  const value: unknown = dataValue.value.value;
  let text: string;
  try {
    text = JSON.stringify({ dataType: DataType[dataValue.value.dataType], value: typeof value === 'bigint' ? String(value) : value, statusCode: dataValue.statusCode.name });
  } catch {
    text = String(value);
  }
  return text.slice(0, 4096);
}
