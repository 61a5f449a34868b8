/**
 * The plant-link form as typed and its translation to the settings main checks. Secrets are
 * never known here: the password and token fields hold only replacements, and an empty one
 * asks main to keep the saved secret. Servers are typed as one line, separated by commas.
 * Pure.
 */
import type { PlantLinkApplyOptions, PlantLinkPublicSettings } from '../../../shared/api/contractPlantLink';

export interface PlantLinkDraft {
  readonly servers: string;
  readonly station: string;
  readonly stream: string;
  readonly user: string;
  readonly password: string;
  readonly token: string;
  readonly nkeySeedFile: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export const EMPTY_PLANT_LINK_DRAFT: PlantLinkDraft = {
  servers: '',
  station: '',
  stream: '',
  user: '',
  password: '',
  token: '',
  nkeySeedFile: '',
  caFile: '',
  certFile: '',
  keyFile: '',
};

/** The draft that shows the saved settings (without their secrets). */
export function draftOfPlantSettings(saved: PlantLinkPublicSettings | null): PlantLinkDraft {
  if (!saved) return EMPTY_PLANT_LINK_DRAFT;
  return {
    ...EMPTY_PLANT_LINK_DRAFT,
    servers: saved.servers.join(', '),
    station: saved.station,
    stream: saved.stream,
    user: saved.user ?? '',
    nkeySeedFile: saved.nkeySeedFile ?? '',
    caFile: saved.tls.caFile ?? '',
    certFile: saved.tls.certFile ?? '',
    keyFile: saved.tls.keyFile ?? '',
  };
}

/** The settings to send, and whether main should keep the saved password or token the operator left empty. */
export function plantSettingsOfDraft(draft: PlantLinkDraft, saved: PlantLinkPublicSettings | null): { settings: Record<string, unknown>; options: PlantLinkApplyOptions } {
  const settings: Record<string, unknown> = {
    servers: draft.servers.split(',').map((s) => s.trim()).filter(Boolean),
    station: draft.station.trim(),
  };
  const optional = (key: string, value: string) => {
    if (value.trim() !== '') settings[key] = value.trim();
  };
  optional('stream', draft.stream);
  optional('user', draft.user);
  optional('nkeySeedFile', draft.nkeySeedFile);
  if (draft.password !== '') settings.password = draft.password;
  if (draft.token !== '') settings.token = draft.token;
  const tls: Record<string, string> = {};
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) if (draft[key].trim() !== '') tls[key] = draft[key].trim();
  if (Object.keys(tls).length > 0) settings.tls = tls;
  const user = draft.user.trim();
  const options: PlantLinkApplyOptions = {
    ...(saved?.hasPassword && user !== '' && user === saved.user && draft.password === '' ? { keepPassword: true } : {}),
    ...(saved?.hasToken && user === '' && draft.token === '' && draft.nkeySeedFile.trim() === '' ? { keepToken: true } : {}),
  };
  return { settings, options };
}
