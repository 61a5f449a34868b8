/**
 * The topic mapping used when none is configured. It follows a common plant layout,
 * `plant/<line>/<equipment>/<kind>`:
 *
 * | topic                                        | event                          | payload                                                  |
 * |----------------------------------------------|--------------------------------|----------------------------------------------------------|
 * | `plant/{lineId}/{equipmentId}/status`        | `equipment.status.changed`     | `{ lineId, equipmentId, newStatus, reason? }` from `{ "status" or "newStatus", "reason"?, "timestamp"? }` |
 * | `plant/{lineId}/{equipmentId}/telemetry`     | `equipment.telemetry.recorded` | the JSON object body plus `lineId`, `equipmentId`       |
 * | `plant/{lineId}/{equipmentId}/quality/{parameter}` | `quality.measurement.recorded` | `{ lineId, equipmentId, parameter, value, lowerLimit?, upperLimit?, unit?, isWithinSpec? }` |
 * | `plant/events`                               | the body's own `type`          | the body is an event as a producer publishes it          |
 *
 * A body's `timestamp` (ms or ISO 8601) becomes the event's time; without one the time of
 * arrival is used.
 */
import type { IngestMappingConfig } from './mappingConfig';

export const EQUIPMENT_STATUSES = ['running', 'idle', 'maintenance', 'down'] as const;

export const DEFAULT_INGEST_MAPPING: IngestMappingConfig = {
  source: 'mqtt-ingest',
  rules: [
    {
      name: 'equipment status',
      topic: 'plant/{lineId}/{equipmentId}/status',
      type: 'equipment.status.changed',
      payload: {
        lineId: 'topic.lineId',
        equipmentId: 'topic.equipmentId',
        newStatus: { from: ['body.newStatus', 'body.status'], type: 'string', oneOf: [...EQUIPMENT_STATUSES] },
        reason: { from: 'body.reason', type: 'string', required: false },
      },
      timestamp: 'body.timestamp',
    },
    {
      name: 'equipment telemetry',
      topic: 'plant/{lineId}/{equipmentId}/telemetry',
      type: 'equipment.telemetry.recorded',
      timestamp: 'body.timestamp',
    },
    {
      name: 'quality measurement',
      topic: 'plant/{lineId}/{equipmentId}/quality/{parameter}',
      type: 'quality.measurement.recorded',
      payload: {
        lineId: 'topic.lineId',
        equipmentId: 'topic.equipmentId',
        parameter: 'topic.parameter',
        value: { from: 'body.value', type: 'number' },
        lowerLimit: { from: 'body.lowerLimit', type: 'number', required: false },
        upperLimit: { from: 'body.upperLimit', type: 'number', required: false },
        unit: { from: 'body.unit', type: 'string', required: false },
        isWithinSpec: { from: 'body.isWithinSpec', type: 'boolean', required: false },
      },
      timestamp: 'body.timestamp',
    },
    { name: 'published events', topic: 'plant/events', event: true },
  ],
};
