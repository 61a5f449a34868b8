import { describe, expect, it } from 'vitest';
import { DEFAULT_INGEST_MAPPING } from '../../shared/ingest/defaultMapping';
import { IngestConfigError } from '../../shared/ingest/errors';
import { compileIngestMapping, type IngestMappingConfig } from '../../shared/ingest/mappingConfig';
import { mapMessage, type MapResult } from '../../shared/ingest/mapMessage';
import { publicSettings, validateMqttSettings } from '../../shared/ingest/mqttSettings';
import { compileTopicTemplate, topicMatchesFilter, validateTopicFilter } from '../../shared/ingest/topicTemplate';
import { thrownBy } from '../support/errors';
import { EventBus } from '../../main/bus/eventBus';
import { isSealedEvent } from '../../shared/events/sealed';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const AT = Date.UTC(2024, 4, 1, 8, 0, 0);
const ID = '018f3a5c-1b2d-7abc-8def-0123456789ab';

const configError = (action: () => unknown): IngestConfigError => thrownBy(IngestConfigError, action);

const rule = (overrides: Record<string, unknown>): IngestMappingConfig =>
  ({ rules: [{ topic: 'plant/{lineId}/{equipmentId}/status', type: 'equipment.status.changed', ...overrides }] }) as IngestMappingConfig;

describe('topic templates', () => {
  it('given a template with named levels, when a topic matches, then the named levels are returned', () => {
    const template = compileTopicTemplate('plant/{lineId}/{equipmentId}/status', 'topic');
    expect(template.filter).toBe('plant/+/+/status');
    expect(template.match('plant/line-1/press-2/status')).toEqual({ lineId: 'line-1', equipmentId: 'press-2' });
    expect(template.match('plant/line-1/press-2/telemetry')).toBeNull();
    expect(template.match('plant/line-1/status')).toBeNull();
    expect(template.match('plant/line-1/press-2/status/extra')).toBeNull();
    expect(template.match('plant//press-2/status')).toBeNull();
  });

  it('given # and + levels, then they match like MQTT filters, and $-topics are not matched by a leading wildcard', () => {
    const rest = compileTopicTemplate('plant/{lineId}/#', 'topic');
    expect(rest.filter).toBe('plant/+/#');
    expect(rest.match('plant/l1/a/b/c')).toEqual({ lineId: 'l1' });
    expect(rest.match('plant/l1')).toEqual({ lineId: 'l1' });
    expect(compileTopicTemplate('+/x', 'topic').match('$SYS/x')).toBeNull();
    expect(topicMatchesFilter('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatchesFilter('plant/+/+/status', 'plant/a/b/status')).toBe(true);
  });

  it.each([
    ['', 'must not be empty'],
    ['a/#/b', "'#' must be the whole last level"],
    ['a/b#', "'#' must be the whole last level"],
    ['a/+b', "'+' must be a whole level"],
    ['a/\u0000', 'NUL'],
    ['x'.repeat(1025), 'at most 1024'],
  ])('rejects the filter %j (%s)', (filter, rule) => {
    const error = configError(() => validateTopicFilter(filter, 'topics[0]'));
    expect(error.field).toBe('topics[0]');
    expect(error.rule).toContain(rule);
  });
});

describe('mapping configuration', () => {
  it('given the documented default mapping, then it compiles and subscribes to the filters of its rules', () => {
    const mapping = compileIngestMapping(DEFAULT_INGEST_MAPPING);
    expect(mapping.filters).toEqual(['plant/+/+/status', 'plant/+/+/telemetry', 'plant/+/+/quality/+', 'plant/events']);
    expect(mapping.source).toBe('mqtt-ingest');
  });

  const badConfigs: [string, unknown, string, string][] = [
    ['not an object', 'rules', 'mapping', 'must be an object'],
    ['an array', [], 'mapping', 'must be an object'],
    ['an unknown key', { rules: [], extra: 1 }, 'mapping.extra', 'is not a known setting'],
    ['rules missing', {}, 'mapping.rules', 'must be an array'],
    ['no rules', { rules: [] }, 'mapping.rules', 'at least one rule'],
    ['too many rules', { rules: Array.from({ length: 201 }, (_, i) => ({ topic: `t/${i}`, type: 'a.b' })) }, 'mapping.rules', 'at most 200'],
    ['an empty source', { source: ' ', rules: [{ topic: 'a', type: 'a.b' }] }, 'mapping.source', 'must not be empty'],
    ['a rule that is a string', { rules: ['plant/#'] }, 'mapping.rules[0]', 'must be an object'],
    ['a rule with an unknown key', rule({ topics: 'x' }), 'mapping.rules[0].topics', 'is not a known setting'],
    ['a rule without topic', { rules: [{ type: 'a.b' }] }, 'mapping.rules[0].topic', 'must be a string'],
    ['a topic with # inside', rule({ topic: 'plant/#/status' }), 'mapping.rules[0].topic', "'#' must be the whole last level"],
    ['a topic with a half wildcard', rule({ topic: 'plant/line+/status' }), 'mapping.rules[0].topic', 'must be plain text'],
    ['a level name with a dash', rule({ topic: 'plant/{line-id}/status' }), 'mapping.rules[0].topic', 'level name "line-id"'],
    ['a level name used twice', rule({ topic: 'plant/{a}/{a}' }), 'mapping.rules[0].topic', 'used twice'],
    ['an empty level name', rule({ topic: 'plant/{}/x' }), 'mapping.rules[0].topic', 'level name ""'],
    ['a rule without type', { rules: [{ topic: 'a/b' }] }, 'mapping.rules[0].type', 'is required'],
    ['a type in capitals', rule({ type: 'Equipment.Status' }), 'mapping.rules[0].type', 'lowercase segments'],
    ['a one-segment type', rule({ type: 'status' }), 'mapping.rules[0].type', 'two or more'],
    ['event rule with a type', rule({ event: true }), 'mapping.rules[0].type', 'must be left out'],
    ['event rule with a payload', { rules: [{ topic: 'a', event: true, payload: { a: 'body' } }] }, 'mapping.rules[0].payload', 'must be left out'],
    ['event that is not boolean', rule({ event: 'yes' }), 'mapping.rules[0].event', 'true or false'],
    ['an unknown body format', rule({ body: 'xml' }), 'mapping.rules[0].body', 'json, text, number'],
    ['a text body without payload', rule({ body: 'text' }), 'mapping.rules[0].payload', 'is required when the body is not JSON'],
    ['an empty payload mapping', rule({ payload: {} }), 'mapping.rules[0].payload', 'at least one field'],
    ['a payload key __proto__', rule({ payload: JSON.parse('{"__proto__": "body"}') }), 'mapping.rules[0].payload.__proto__', 'payload key'],
    ['a payload key with a space', rule({ payload: { 'new status': 'body.status' } }), 'mapping.rules[0].payload.new status', 'payload key'],
    ['a source that names no level', rule({ payload: { machine: 'topic.machine' } }), 'mapping.rules[0].payload.machine', 'names no level'],
    ['an unknown source', rule({ payload: { status: 'message.status' } }), 'mapping.rules[0].payload.status', 'must be topic, topic.<name>'],
    ['a body path with an empty key', rule({ payload: { status: 'body..status' } }), 'mapping.rules[0].payload.status', 'non-empty keys'],
    ['an empty source list', rule({ payload: { status: [] } }), 'mapping.rules[0].payload.status', '1 to 8'],
    ['a source list with a number', rule({ payload: { status: ['body.a', 3] } }), 'mapping.rules[0].payload.status[1]', 'must be a string'],
    ['a field with from and value', rule({ payload: { status: { from: 'body.s', value: 'x' } } }), 'mapping.rules[0].payload.status', 'exactly one of'],
    ['a field with neither', rule({ payload: { status: { type: 'string' } } }), 'mapping.rules[0].payload.status', 'exactly one of'],
    ['a field with an unknown key', rule({ payload: { status: { from: 'body.s', default: 'x' } } }), 'mapping.rules[0].payload.status.default', 'not a known setting'],
    ['a field of unknown type', rule({ payload: { status: { from: 'body.s', type: 'text' } } }), 'mapping.rules[0].payload.status.type', 'must be one of'],
    ['required not boolean', rule({ payload: { status: { from: 'body.s', required: 'no' } } }), 'mapping.rules[0].payload.status.required', 'true or false'],
    ['an empty oneOf', rule({ payload: { status: { from: 'body.s', oneOf: [] } } }), 'mapping.rules[0].payload.status.oneOf', '1 to 100'],
    ['an object in oneOf', rule({ payload: { status: { from: 'body.s', oneOf: ['a', {}] } } }), 'mapping.rules[0].payload.status.oneOf[1]', 'string, finite number'],
    ['a constant that is not JSON', rule({ payload: { at: { value: () => 1 } } }), 'mapping.rules[0].payload.at.value', 'is a function'],
    ['a constant holding undefined', rule({ payload: { at: { value: { a: [1, undefined] } } } }), 'mapping.rules[0].payload.at.value.a[1]', 'is undefined'],
    ['a timestamp from nowhere', rule({ timestamp: 'clock' }), 'mapping.rules[0].timestamp', 'must be topic'],
    ['a correlationId naming no level', rule({ correlationId: 'topic.order' }), 'mapping.rules[0].correlationId', 'names no level'],
    ['an unknown priority', rule({ priority: 'URGENT' }), 'mapping.rules[0].priority', 'LOW, NORMAL, HIGH, CRITICAL'],
    ['an empty rule source', rule({ source: '' }), 'mapping.rules[0].source', 'must not be empty'],
    ['two rules of one name', { rules: [{ name: 'x', topic: 'a', type: 'a.b' }, { name: 'x', topic: 'b', type: 'a.b' }] }, 'mapping.rules[1].name', 'used by an earlier rule'],
  ];

  it('has at least 30 bad configurations to check', () => expect(badConfigs.length).toBeGreaterThanOrEqual(30));

  it.each(badConfigs)('rejects %s, naming the field', (_label, config, field, rule) => {
    const error = configError(() => compileIngestMapping(config));
    expect(error.field).toBe(field);
    expect(error.rule).toContain(rule);
    expect(error.message).toBe(`${field}: ${error.rule}`);
  });
});

describe('mapping messages with the default mapping', () => {
  const mapping = compileIngestMapping(DEFAULT_INGEST_MAPPING);
  const map = (topic: string, body: unknown): MapResult =>
    mapMessage(mapping, { topic, body: typeof body === 'string' ? body : JSON.stringify(body), receivedAt: AT });

  it('given a status message, then it becomes equipment.status.changed with the topic levels and the body fields', () => {
    const result = map('plant/line-1/press-2/status', { status: 'down', reason: 'jam', timestamp: '2024-05-01T07:59:00.000Z' });
    expect(result).toEqual({
      ok: true,
      rule: 'equipment status',
      event: {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
        type: 'equipment.status.changed',
        payload: { lineId: 'line-1', equipmentId: 'press-2', newStatus: 'down', reason: 'jam' },
        source: 'mqtt-ingest',
        timestamp: Date.UTC(2024, 4, 1, 7, 59),
        priority: 'NORMAL',
        status: 'PUBLISHED',
        metadata: { ingest: { origin: 'mqtt', topic: 'plant/line-1/press-2/status', rule: 'equipment status', receivedAt: AT } },
      },
    });
  });

  it('given a mapped message, then its event is sealed and the bus stores that very event, not a copy', async () => {
    const result = map('plant/l1/oven-1/telemetry', { temperature: 212.5 });
    if (!result.ok) throw new Error(result.reason);
    expect(isSealedEvent(result.event)).toBe(true);
    expect(Object.isFrozen(result.event.payload)).toBe(true);
    const seen: unknown[] = [];
    const bus = new EventBus({ store: new InMemoryEventStore() });
    bus.onPublished((events) => seen.push(...events.map((event) => event.payload)));
    await bus.publishBatch([result.event]);
    expect(seen).toEqual([{ temperature: 212.5, lineId: 'l1', equipmentId: 'oven-1' }]);
    expect(seen[0]).toBe(result.event.payload);
    await bus.close();
  });

  it('given an event on plant/events claiming fields it may not, then it is refused and nothing is sealed for it', () => {
    const result = map('plant/events', { type: 'maintenance.completed', payload: { equipmentId: 'p1' }, priority: 'URGENT' });
    expect(result).toMatchObject({ ok: false, code: 'invalid-event' });
  });

  it('given telemetry, then the body object is merged with the topic levels and the time of arrival is used', () => {
    const result = map('plant/l1/oven-1/telemetry', { temperature: 212.5, vibration: 0.3, equipmentId: 'spoofed' });
    expect(result.ok && result.event.payload).toEqual({ temperature: 212.5, vibration: 0.3, lineId: 'l1', equipmentId: 'oven-1' });
    expect(result.ok && result.event.timestamp).toBe(AT);
  });

  it('given a quality measurement, then optional fields left out stay out', () => {
    const result = map('plant/l1/cnc-3/quality/diameter', { value: 10.02, lowerLimit: 9.95, upperLimit: 10.05 });
    expect(result.ok && result.event).toMatchObject({
      type: 'quality.measurement.recorded',
      payload: { lineId: 'l1', equipmentId: 'cnc-3', parameter: 'diameter', value: 10.02, lowerLimit: 9.95, upperLimit: 10.05 },
    });
  });

  it('given an event on plant/events, then it is taken as published, keeping its id', () => {
    const result = map('plant/events', { id: ID, type: 'maintenance.completed', payload: { equipmentId: 'p1' }, priority: 'HIGH' });
    expect(result.ok && result.event).toMatchObject({ id: ID, type: 'maintenance.completed', priority: 'HIGH', source: 'mqtt-ingest', timestamp: AT });
  });

  const badMessages: [string, string, unknown, string, string][] = [
    ['no rule for the topic', 'factory/l1/p1/status', { status: 'down' }, 'no-rule', 'no mapping rule matches topic "factory/l1/p1/status"'],
    ['a topic one level short', 'plant/l1/status', { status: 'down' }, 'no-rule', 'no mapping rule matches'],
    ['a body that is not JSON', 'plant/l1/p1/status', 'down', 'bad-body', 'body is not valid JSON'],
    ['an empty body', 'plant/l1/p1/status', '', 'bad-body', 'body is not valid JSON'],
    ['a status missing', 'plant/l1/p1/status', { reason: 'jam' }, 'bad-field', 'payload.newStatus: is missing (from body.newStatus | body.status)'],
    ['a status not allowed', 'plant/l1/p1/status', { status: 'flying' }, 'bad-field', 'payload.newStatus: must be one of "running", "idle", "maintenance", "down" (got string "flying")'],
    ['a status of the wrong type', 'plant/l1/p1/status', { status: 3 }, 'bad-field', 'payload.newStatus: must be a string (got number 3'],
    ['a reason of the wrong type', 'plant/l1/p1/status', { status: 'down', reason: ['jam'] }, 'bad-field', 'payload.reason: must be a string (got an array'],
    ['a bad timestamp text', 'plant/l1/p1/status', { status: 'down', timestamp: 'yesterday' }, 'bad-field', 'timestamp: must be milliseconds'],
    ['a timestamp of the wrong type', 'plant/l1/p1/status', { status: 'down', timestamp: true }, 'bad-field', 'timestamp: must be'],
    ['a negative timestamp', 'plant/l1/p1/status', { status: 'down', timestamp: -5 }, 'invalid-event', 'timestamp: must be finite milliseconds'],
    ['telemetry that is an array', 'plant/l1/p1/telemetry', [1, 2], 'bad-body', 'body must be a JSON object (got an array)'],
    ['telemetry that is a number', 'plant/l1/p1/telemetry', '42', 'bad-body', 'body must be a JSON object (got number 42)'],
    ['telemetry nested too deep', 'plant/l1/p1/telemetry', JSON.stringify({ a: JSON.parse('['.repeat(40) + ']'.repeat(40)) }), 'invalid-event', 'payload.a'],
    ['a measurement without value', 'plant/l1/p1/quality/d', { lowerLimit: 1 }, 'bad-field', 'payload.value: is missing (from body.value)'],
    ['a measurement value as text', 'plant/l1/p1/quality/d', { value: '10.0' }, 'bad-field', 'payload.value: must be a number (got string "10.0"'],
    ['an event body that is not an object', 'plant/events', '"hello"', 'bad-body', 'body must be a JSON object holding an event'],
    ['an event without type', 'plant/events', { payload: {} }, 'invalid-event', 'type: is required'],
    ['an event with a bad id', 'plant/events', { id: 'abc', type: 'a.b', payload: {} }, 'invalid-event', 'id: must be a UUIDv7'],
    ['an event with an unknown field', 'plant/events', { type: 'a.b', payload: {}, colour: 'red' }, 'invalid-event', 'colour: is not an event field'],
    ['an event with a status', 'plant/events', { type: 'a.b', payload: {}, status: 'PROCESSED' }, 'invalid-event', 'status: is not an event field'],
    ['an event passing for one from the plant link', 'plant/events', { type: 'alarm.acknowledged', payload: {}, metadata: { plant: { station: 'b', streamSeq: 7 } } }, 'bad-field', 'metadata.plant: is written only by the plant link'],
  ];

  it.each(badMessages)('rejects %s with a code and a clear reason', (_label, topic, body, code, reason) => {
    const result = map(topic, body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.reason).toContain(reason);
    expect(result.rule === null).toBe(code === 'no-rule');
  });

  it('given a number body rule and a text body rule, then bodies are read as configured', () => {
    const custom = compileIngestMapping({
      rules: [
        { topic: 'sensors/{equipmentId}/temperature', type: 'equipment.telemetry.recorded', body: 'number', payload: { equipmentId: 'topic.equipmentId', temperature: 'body' } },
        { topic: 'sensors/{equipmentId}/note', type: 'equipment.note.recorded', body: 'text', payload: { equipmentId: 'topic.equipmentId', text: 'body', kind: { value: 'note' } }, priority: 'LOW', correlationId: 'topic' },
      ],
    });
    const temp = mapMessage(custom, { topic: 'sensors/o1/temperature', body: ' 71.5 ', receivedAt: AT });
    expect(temp.ok && temp.event.payload).toEqual({ equipmentId: 'o1', temperature: 71.5 });
    const bad = mapMessage(custom, { topic: 'sensors/o1/temperature', body: 'hot', receivedAt: AT });
    expect(bad).toMatchObject({ ok: false, code: 'bad-body', reason: 'body must be a number (got string "hot")' });
    const note = mapMessage(custom, { topic: 'sensors/o1/note', body: 'belt noisy', receivedAt: AT });
    expect(note.ok && note.event).toMatchObject({ payload: { equipmentId: 'o1', text: 'belt noisy', kind: 'note' }, priority: 'LOW', correlationId: 'sensors/o1/note' });
  });
});

describe('MQTT settings', () => {
  it('given only a URL, then defaults apply: the default mapping and its filters, QoS 1, backoff 1 s to 60 s', () => {
    const settings = validateMqttSettings({ url: 'mqtt://broker.plant.local:1883' });
    expect(settings).toMatchObject({ name: 'default', broker: 'mqtt://broker.plant.local:1883', qos: 1, reconnect: { initialDelayMs: 1000, maxDelayMs: 60_000 } });
    expect(settings.topics).toEqual(compileIngestMapping(DEFAULT_INGEST_MAPPING).filters);
  });

  it('never shows the password in the public view', () => {
    const settings = validateMqttSettings({ url: 'mqtts://b:8883', username: 'ops', password: 's3cret', tls: { caFile: '/etc/ca.pem', rejectUnauthorized: true } });
    const shown = publicSettings(settings);
    expect(JSON.stringify(shown)).not.toContain('s3cret');
    expect(shown).toMatchObject({ username: 'ops', hasPassword: true, tls: { caFile: '/etc/ca.pem', rejectUnauthorized: true } });
  });

  it.each([
    ['no url', {}, 'url', 'must be a string'],
    ['a bad url', { url: 'not a url' }, 'url', 'must be a URL'],
    ['an http url', { url: 'http://b:1883' }, 'url', 'must start with mqtt://'],
    ['credentials in the url', { url: 'mqtt://ops:pw@b:1883' }, 'url', 'must not hold credentials'],
    ['an unknown setting', { url: 'mqtt://b', host: 'b' }, 'host', 'is not a known setting'],
    ['a password without user', { url: 'mqtt://b', password: 'x' }, 'password', 'needs a username'],
    ['tls on a plain url', { url: 'mqtt://b', tls: { rejectUnauthorized: false } }, 'tls', 'mqtts://'],
    ['a certificate without key', { url: 'mqtts://b', tls: { certFile: '/c.pem' } }, 'tls.keyFile', 'both certFile and keyFile'],
    ['rejectUnauthorized as text', { url: 'mqtts://b', tls: { rejectUnauthorized: 'no' } }, 'tls.rejectUnauthorized', 'true or false'],
    ['an empty topic list', { url: 'mqtt://b', topics: [] }, 'topics', '1 to 100'],
    ['a bad topic filter', { url: 'mqtt://b', topics: ['plant/#/x'] }, 'topics[0]', "'#'"],
    ['qos 3', { url: 'mqtt://b', qos: 3 }, 'qos', '0, 1 or 2'],
    ['a backoff maximum below the start', { url: 'mqtt://b', reconnect: { initialDelayMs: 5000, maxDelayMs: 1000 } }, 'reconnect.maxDelayMs', 'must not be below'],
    ['a zero backoff', { url: 'mqtt://b', reconnect: { initialDelayMs: 0 } }, 'reconnect.initialDelayMs', 'integer from 10'],
    ['a client id with spaces', { url: 'mqtt://b', clientId: 'plant console' }, 'clientId', 'printable ASCII'],
    ['a bad mapping inside', { url: 'mqtt://b', mapping: { rules: [{ topic: 'a' }] } }, 'mapping.rules[0].type', 'is required'],
  ])('rejects %s, naming the field', (_label, settings, field, rule) => {
    const error = configError(() => validateMqttSettings(settings));
    expect(error.field).toBe(field);
    expect(error.rule).toContain(rule);
  });
});
