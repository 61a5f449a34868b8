import { describe, expect, it } from 'vitest';
import { draftOfSettings, EMPTY_MQTT_DRAFT, settingsOfDraft } from '../../renderer/features/connections/mqttDraft';
import { draftOfSparkplug, EMPTY_RULE, sparkplugOfDraft, SPARKPLUG_OFF, type SparkplugDraft } from '../../renderer/features/connections/sparkplug/sparkplugDraft';
import { validateMqttSettings } from '../../shared/ingest/mqttSettings';

const on: SparkplugDraft = { ...SPARKPLUG_OFF, enabled: true };
const problem = (draft: SparkplugDraft) => {
  const result = sparkplugOfDraft(draft);
  if (result.ok) throw new Error('the draft was accepted');
  return result;
};

describe('the Sparkplug B card draft', () => {
  it('is off unless the settings hold a sparkplug part, and sends nothing for Sparkplug then', () => {
    expect(draftOfSparkplug(undefined)).toEqual(SPARKPLUG_OFF);
    expect(draftOfSparkplug(null).enabled).toBe(false);
    expect(sparkplugOfDraft(SPARKPLUG_OFF)).toEqual({ ok: true, config: null });
    const prepared = settingsOfDraft({ ...EMPTY_MQTT_DRAFT, url: 'mqtt://broker:1883' }, false);
    expect(prepared.ok && 'sparkplug' in prepared.settings).toBe(false);
  });

  it('turns what was typed into settings that main accepts, defaults left out', () => {
    const draft: SparkplugDraft = {
      enabled: true,
      groups: ' line-1, line-2\nline-3 ',
      hostId: ' console-a ',
      source: '',
      rules: [{ ...EMPTY_RULE, node: 'gw-*', device: '-', equipmentId: 'gateway-{node}' }, { ...EMPTY_RULE, metric: 'debug/*', ignore: true }, { ...EMPTY_RULE, metric: 'thickness', type: 'quality.measurement.recorded' }],
    };
    const result = sparkplugOfDraft(draft);
    expect(result).toEqual({
      ok: true,
      config: {
        groups: ['line-1', 'line-2', 'line-3'],
        hostId: 'console-a',
        rules: [{ node: 'gw-*', device: '-', equipmentId: 'gateway-{node}' }, { metric: 'debug/*', ignore: true }, { metric: 'thickness', type: 'quality.measurement.recorded' }],
      },
    });
    const prepared = settingsOfDraft({ ...EMPTY_MQTT_DRAFT, url: 'mqtt://broker:1883', sparkplug: draft }, false);
    if (!prepared.ok) throw new Error(prepared.problem);
    const valid = validateMqttSettings(prepared.settings);
    expect(valid.topics).toEqual(expect.arrayContaining(['spBv1.0/line-1/#', 'spBv1.0/line-3/#']));
    expect(valid.sparkplug?.hostId).toBe('console-a');
    // Enabled with nothing typed: every group, the default mapping.
    expect(sparkplugOfDraft(on)).toEqual({ ok: true, config: {} });
  });

  it('shows the settings in use again as they were typed', () => {
    const config = { groups: ['line-1', 'line-2'], hostId: 'console-a', source: 'edge', rules: [{ device: 'press-*', equipmentId: '{device}', type: 'quality.measurement.recorded' }, { metric: 'x', ignore: true }] };
    const draft = draftOfSettings({ url: 'mqtt://broker:1883', sparkplug: config }, null).sparkplug;
    expect(draft).toMatchObject({ enabled: true, groups: 'line-1, line-2', hostId: 'console-a', source: 'edge' });
    expect(sparkplugOfDraft(draft)).toEqual({ ok: true, config });
  });

  it('names the field at fault in one sentence with the label the card shows', () => {
    const host = problem({ ...on, hostId: 'console/a' });
    expect(host.field).toEqual({ kind: 'card', key: 'hostId' });
    expect(host.problem).toBe('Sparkplug primary host id: must be 1 to 64 characters without /, +, # or control characters.');
    const group = problem({ ...on, groups: 'line-1, line#2' });
    expect(group.field).toEqual({ kind: 'card', key: 'groups' });
    expect(group.problem).toMatch(/^Sparkplug groups \(group 2\): must be 1 to 64 characters/);
    const template = problem({ ...on, rules: [EMPTY_RULE, { ...EMPTY_RULE, equipmentId: 'press-{password}' }] });
    expect(template.field).toEqual({ kind: 'rule', index: 1, key: 'equipmentId' });
    expect(template.problem).toBe('Mapping rule 2, equipment id: must be text of at most 200 characters using only {group}, {node} and {device}.');
    const pattern = problem({ ...on, rules: [{ ...EMPTY_RULE, metric: 'temp\u0007' }] });
    expect(pattern.field).toEqual({ kind: 'rule', index: 0, key: 'metric' });
    expect(problem({ ...on, groups: Array.from({ length: 101 }, (_, i) => `g${i}`).join(',') }).problem).toMatch(/^Sparkplug groups: must be a list of 1 to 100 group ids\.$/);
  });

  it('stops the MQTT settings from being sent while a Sparkplug field is wrong', () => {
    const prepared = settingsOfDraft({ ...EMPTY_MQTT_DRAFT, url: 'mqtt://broker:1883', sparkplug: { ...on, hostId: '+' } }, false);
    expect(prepared).toEqual({ ok: false, problem: 'Sparkplug primary host id: must be 1 to 64 characters without /, +, # or control characters.' });
  });
});
