/**
 * The MQTT form as typed (a draft kept until the operator tests or saves it) and its
 * translation to the settings main checks. The saved password is never known here: the
 * draft's password field holds only a replacement, and an empty one asks main to keep the
 * saved password. Pure.
 */
import type { MqttApplyOptions } from '../../../shared/api/contractOps';
import { draftOfSparkplug, sparkplugOfDraft, SPARKPLUG_OFF, type SparkplugDraft } from './sparkplug/sparkplugDraft';

export interface MqttDraft {
  readonly url: string;
  readonly username: string;
  /** A new password; empty keeps the saved one (when there is one). */
  readonly password: string;
  /** Remove the saved password instead of keeping it. */
  readonly clearPassword: boolean;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly rejectUnauthorized: boolean;
  /** One topic filter per line; none: the filters of the mapping. */
  readonly topics: string;
  /** The mapping as JSON; empty: the default mapping. */
  readonly mapping: string;
  /** The Sparkplug B card (its own form next to this one, saved with these settings). */
  readonly sparkplug: SparkplugDraft;
}

export const EMPTY_MQTT_DRAFT: MqttDraft = {
  url: '',
  username: '',
  password: '',
  clearPassword: false,
  caFile: '',
  certFile: '',
  keyFile: '',
  rejectUnauthorized: true,
  topics: '',
  mapping: '',
  sparkplug: SPARKPLUG_OFF,
};

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The draft that shows the settings in use (as main shows them, without the password). */
export function draftOfSettings(settings: Record<string, unknown> | null, defaultMapping: unknown): MqttDraft {
  if (!settings) return EMPTY_MQTT_DRAFT;
  const tls = (settings.tls ?? {}) as Record<string, unknown>;
  const mapping = settings.mapping;
  return {
    ...EMPTY_MQTT_DRAFT,
    url: str(settings.url),
    username: str(settings.username),
    caFile: str(tls.caFile),
    certFile: str(tls.certFile),
    keyFile: str(tls.keyFile),
    rejectUnauthorized: tls.rejectUnauthorized !== false,
    topics: Array.isArray(settings.topics) ? settings.topics.join('\n') : '',
    sparkplug: draftOfSparkplug(settings.sparkplug),
    mapping: mapping === undefined || JSON.stringify(mapping) === JSON.stringify(defaultMapping) ? '' : JSON.stringify(mapping, null, 2),
  };
}

export type DraftSettings =
  | { readonly ok: true; readonly settings: Record<string, unknown>; readonly options: MqttApplyOptions }
  | { readonly ok: false; readonly problem: string };

/** The settings to send, or the one thing wrong with the draft that main could not name by field. */
export function settingsOfDraft(draft: MqttDraft, hasSavedPassword: boolean): DraftSettings {
  const settings: Record<string, unknown> = { url: draft.url.trim() };
  const username = draft.username.trim();
  if (username) settings.username = username;
  if (draft.password !== '') settings.password = draft.password;
  const tls: Record<string, unknown> = {};
  if (draft.caFile.trim()) tls.caFile = draft.caFile.trim();
  if (draft.certFile.trim()) tls.certFile = draft.certFile.trim();
  if (draft.keyFile.trim()) tls.keyFile = draft.keyFile.trim();
  if (!draft.rejectUnauthorized) tls.rejectUnauthorized = false;
  if (Object.keys(tls).length > 0) settings.tls = tls;
  const topics = draft.topics.split('\n').map((t) => t.trim()).filter(Boolean);
  if (topics.length > 0) settings.topics = topics;
  if (draft.mapping.trim()) {
    try {
      settings.mapping = JSON.parse(draft.mapping) as unknown;
    } catch (error) {
      return { ok: false, problem: `The mapping is not valid JSON: ${(error as Error).message}` };
    }
  }
  const sparkplug = sparkplugOfDraft(draft.sparkplug);
  if (!sparkplug.ok) return { ok: false, problem: sparkplug.problem };
  if (sparkplug.config !== null) settings.sparkplug = sparkplug.config;
  const keepPassword = hasSavedPassword && draft.password === '' && !draft.clearPassword && username !== '';
  return { ok: true, settings, options: keepPassword ? { keepPassword: true } : {} };
}
