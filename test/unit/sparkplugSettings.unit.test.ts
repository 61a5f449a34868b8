import { describe, expect, it } from 'vitest';
import { IngestConfigError } from '../../shared/ingest/errors';
import { publicSettings, validateMqttSettings } from '../../shared/ingest/mqttSettings';
import { targetOf } from '../../main/ingest/sparkplug/sparkplugEvents';
import { clientOptions } from '../../main/ingest/mqttOptions';

const URL = 'mqtt://127.0.0.1:1883';
const refusal = (sparkplug: unknown) => {
  try {
    validateMqttSettings({ url: URL, sparkplug });
  } catch (error) {
    expect(error).toBeInstanceOf(IngestConfigError);
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
};

describe('Sparkplug B settings', () => {
  it('subscribes to every group by default, next to the default mapping, and shows the settings as given', () => {
    const settings = validateMqttSettings({ url: URL, sparkplug: {} });
    expect(settings.topics).toContain('spBv1.0/+/#');
    expect(settings.topics).toContain('plant/events');
    expect(settings.sparkplug?.hostId).toBeNull();
    expect(publicSettings(settings).sparkplug).toEqual({});
    expect(validateMqttSettings({ url: URL, sparkplug: { groups: ['line-1', 'line-2'] } }).topics).toEqual(expect.arrayContaining(['spBv1.0/line-1/#', 'spBv1.0/line-2/#']));
    expect(validateMqttSettings({ url: URL }).sparkplug).toBeNull();
  });

  it('refuses bad settings with one sentence naming the field', () => {
    expect(refusal('yes')).toMatch(/^sparkplug.*must be an object/);
    expect(refusal({ hostId: 'a/b' })).toMatch(/sparkplug\.hostId.*without \/, \+, #/);
    expect(refusal({ groups: ['#'] })).toMatch(/sparkplug\.groups\[0\]/);
    expect(refusal({ groups: [] })).toMatch(/sparkplug\.groups.*1 to 100/);
    expect(refusal({ rules: [{ type: 'alarm.raised' }] })).toMatch(/sparkplug\.rules\[0\]\.type: must be one of/);
    expect(refusal({ rules: [{ equipmentId: '{password}' }] })).toMatch(/sparkplug\.rules\[0\]\.equipmentId.*\{group\}, \{node\} and \{device\}/);
    expect(refusal({ rules: [{ colour: 'red' }] })).toMatch(/sparkplug\.rules\[0\]\.colour.*not a known setting/);
    expect(refusal({ primary: true })).toMatch(/sparkplug\.primary.*not a known setting \(expected one of groups, hostId, source, rules\)/);
  });

  it('maps by the first matching rule, the default last: device = equipment, the node for its own metrics', () => {
    const { rules } = validateMqttSettings({ url: URL, sparkplug: { rules: [{ node: 'gw-*', device: '-', equipmentId: 'gateway-{node}' }, { metric: 'debug/*', ignore: true }] } }).sparkplug!;
    expect(targetOf(rules, 'line-1', 'gw-1', null, 'cpu')).toEqual({ equipmentId: 'gateway-gw-1', lineId: 'line-1', type: 'equipment.telemetry.recorded' });
    expect(targetOf(rules, 'line-1', 'gw-1', 'press-1', 'temperature')).toEqual({ equipmentId: 'press-1', lineId: 'line-1', type: 'equipment.telemetry.recorded' });
    expect(targetOf(rules, 'line-1', 'gw-1', 'press-1', 'debug/heap')).toBeNull();
    expect(targetOf(rules, 'line-1', 'other', null, 'cpu')?.equipmentId).toBe('other');
  });

  it('makes OFFLINE on STATE/<host id> the MQTT will of a primary host', async () => {
    const options = await clientOptions(validateMqttSettings({ url: URL, sparkplug: { hostId: 'console-a' } }));
    expect(options.will).toMatchObject({ topic: 'STATE/console-a', qos: 1, retain: true });
    expect(String(options.will?.payload)).toBe('OFFLINE');
    expect((await clientOptions(validateMqttSettings({ url: URL, sparkplug: {} }))).will).toBeUndefined();
  });
});
