/**
 * The OPC UA form as typed (kept until the operator saves it) and its translation to the
 * settings main checks. The saved password is never known here: the draft's password holds
 * only a replacement, and an empty one asks main to keep the saved password. Pure.
 */
import type { OpcuaApplyOptions } from '../../../../shared/api/contractOpcua';

export interface OpcuaDraft {
  readonly endpointUrl: string;
  readonly securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  readonly username: string;
  readonly password: string;
  readonly publishingIntervalMs: string;
  readonly samplingIntervalMs: string;
  readonly naming: string;
  /** The monitored items as saved (node id, and any explicit equipment, reading, deadband). */
  readonly items: readonly Record<string, unknown>[];
}

export const EMPTY_OPCUA_DRAFT: OpcuaDraft = { endpointUrl: '', securityMode: 'None', username: '', password: '', publishingIntervalMs: '', samplingIntervalMs: '', naming: '', items: [] };

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): string => (typeof value === 'number' ? String(value) : '');

export function draftOfOpcuaSettings(settings: Record<string, unknown> | null): OpcuaDraft {
  if (!settings) return EMPTY_OPCUA_DRAFT;
  const mode = settings.securityMode;
  return {
    endpointUrl: str(settings.endpointUrl),
    securityMode: mode === 'Sign' || mode === 'SignAndEncrypt' ? mode : 'None',
    username: str(settings.username),
    password: '',
    publishingIntervalMs: num(settings.publishingIntervalMs),
    samplingIntervalMs: num(settings.samplingIntervalMs),
    naming: str(settings.naming),
    items: Array.isArray(settings.items) ? (settings.items as Record<string, unknown>[]) : [],
  };
}

export type OpcuaDraftSettings = { readonly ok: true; readonly settings: Record<string, unknown>; readonly options: OpcuaApplyOptions } | { readonly ok: false; readonly problem: string };

/** The settings to send, or the one thing wrong with the draft that main could not name by field. */
export function settingsOfOpcuaDraft(draft: OpcuaDraft, hasSavedPassword: boolean): OpcuaDraftSettings {
  const settings: Record<string, unknown> = { endpointUrl: draft.endpointUrl.trim(), securityMode: draft.securityMode, items: draft.items };
  const username = draft.username.trim();
  if (username) settings.username = username;
  if (draft.password !== '') settings.password = draft.password;
  for (const key of ['publishingIntervalMs', 'samplingIntervalMs'] as const) {
    const text = draft[key].trim();
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isInteger(value)) return { ok: false, problem: `The ${key === 'publishingIntervalMs' ? 'publishing' : 'sampling'} interval must be a whole number of milliseconds.` };
    settings[key] = value;
  }
  if (draft.naming.trim()) settings.naming = draft.naming.trim();
  const keepPassword = hasSavedPassword && draft.password === '' && username !== '';
  return { ok: true, settings, options: keepPassword ? { keepPassword: true } : {} };
}

/** The draft with one more item (a node id already listed is not added twice). */
export function withItem(draft: OpcuaDraft, nodeId: string): OpcuaDraft {
  if (draft.items.some((item) => item.nodeId === nodeId)) return draft;
  return { ...draft, items: [...draft.items, { nodeId }] };
}

export function withoutItem(draft: OpcuaDraft, nodeId: string): OpcuaDraft {
  return { ...draft, items: draft.items.filter((item) => item.nodeId !== nodeId) };
}
