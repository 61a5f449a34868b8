import { describe, expect, it } from 'vitest';
import { draftOfSettings, settingsOfDraft } from '../../renderer/features/connections/mqttDraft';

describe('the MQTT form draft', () => {
  it('keeps the Sparkplug B settings in use when the form is saved again', () => {
    const sparkplug = { groups: ['line-1'], hostId: 'console-a' };
    const draft = draftOfSettings({ url: 'mqtt://broker:1883', sparkplug, topics: ['plant/#'] }, null);
    const prepared = settingsOfDraft({ ...draft, url: 'mqtt://other:1883' }, false);
    expect(prepared).toMatchObject({ ok: true, settings: { url: 'mqtt://other:1883', sparkplug } });
    const without = settingsOfDraft(draftOfSettings({ url: 'mqtt://broker:1883' }, null), false);
    expect(without.ok && 'sparkplug' in without.settings).toBe(false);
  });
});
