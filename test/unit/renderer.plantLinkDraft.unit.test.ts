/** The plant-link form's draft: what it sends, and when it asks main to keep a saved password or token it never sees. */
import { describe, expect, it } from 'vitest';
import type { PlantLinkPublicSettings } from '../../shared/api/contractPlantLink';
import { draftOfPlantSettings, EMPTY_PLANT_LINK_DRAFT, plantSettingsOfDraft } from '../../renderer/features/connections/plantLinkDraft';

const SAVED: PlantLinkPublicSettings = {
  servers: ['nats://a:4222', 'nats://b:4222'],
  station: 'lab',
  stream: 'PLANT',
  user: 'lab',
  hasPassword: true,
  hasToken: false,
  nkeySeedFile: null,
  tls: { caFile: '/etc/plant/ca.pem', certFile: null, keyFile: null },
};

describe('plant link draft', () => {
  it('shows the saved settings without secrets and sends them back with the password kept', () => {
    const draft = draftOfPlantSettings(SAVED);
    expect(draft).toEqual({ ...EMPTY_PLANT_LINK_DRAFT, servers: 'nats://a:4222, nats://b:4222', station: 'lab', stream: 'PLANT', user: 'lab', caFile: '/etc/plant/ca.pem' });
    expect(plantSettingsOfDraft(draft, SAVED)).toEqual({
      settings: { servers: ['nats://a:4222', 'nats://b:4222'], station: 'lab', stream: 'PLANT', user: 'lab', tls: { caFile: '/etc/plant/ca.pem' } },
      options: { keepPassword: true },
    });
  });

  it('keeps no saved password for another user, nor when a new one is typed', () => {
    expect(plantSettingsOfDraft({ ...draftOfPlantSettings(SAVED), user: 'other' }, SAVED).options).toEqual({});
    const typed = plantSettingsOfDraft({ ...draftOfPlantSettings(SAVED), password: ' new pw ' }, SAVED);
    expect(typed.options).toEqual({});
    expect(typed.settings.password).toBe(' new pw ');
  });

  it('keeps a saved token only while no other way to sign in is typed', () => {
    const withToken = { ...SAVED, user: null, hasPassword: false, hasToken: true };
    expect(plantSettingsOfDraft(draftOfPlantSettings(withToken), withToken).options).toEqual({ keepToken: true });
    expect(plantSettingsOfDraft({ ...draftOfPlantSettings(withToken), nkeySeedFile: '/etc/plant/seed.nk' }, withToken).options).toEqual({});
  });

  it('sends what was typed as it is for main to check (an empty form names no server)', () => {
    expect(plantSettingsOfDraft({ ...EMPTY_PLANT_LINK_DRAFT, servers: ' http://x ,', station: ' line-side ' }, null)).toEqual({ settings: { servers: ['http://x'], station: 'line-side' }, options: {} });
  });
});
