/**
 * The operator's settings (last view, filters, theme, saved filters), kept by main through
 * the bridge so that they come back after a restart: `settings.get()` once at start, then
 * `settings.set(key, value)` for each change (debounced per key). Never localStorage.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { PlantApi } from '../../shared/api/plantApi';
import type { JsonValue } from '../../shared/events/event';
import { useReportError } from '../common/ErrorsProvider';

/** What the UI needs of main's settings methods. */
export interface SettingsApi {
  get(): Promise<Record<string, JsonValue>>;
  set(key: string, value: JsonValue): Promise<unknown>;
}

/** main's settings methods; null when the bridge in use lacks them (an older preload). */
export function settingsApiOf(plant: PlantApi): SettingsApi | null {
  const api: Partial<SettingsApi> | undefined = plant.settings;
  return api && typeof api.get === 'function' && typeof api.set === 'function' ? (api as SettingsApi) : null;
}

interface SettingsContextValue {
  readonly values: Readonly<Record<string, JsonValue>>;
  readonly set: (key: string, value: JsonValue) => void;
}

const SettingsContext = createContext<SettingsContextValue>({ values: {}, set: () => undefined });

const SAVE_DELAY_MS = 300;

export type SettingsLoad = { readonly state: 'loading' } | { readonly state: 'ready'; readonly values: Record<string, JsonValue> };

/** Loads the settings once; resolves to empty settings (with the error reported) when main cannot give them. */
export function useLoadedSettings(plant: PlantApi): SettingsLoad {
  const report = useReportError();
  const [load, setLoad] = useState<SettingsLoad>({ state: 'loading' });
  useEffect(() => {
    const api = settingsApiOf(plant);
    if (!api) {
      report('Settings', new Error('this host has no settings.get/settings.set yet: the view and filters will not be kept after a restart'));
      setLoad({ state: 'ready', values: {} });
      return;
    }
    let active = true;
    api.get().then(
      (values) => active && setLoad({ state: 'ready', values: values && typeof values === 'object' ? values : {} }),
      (error: unknown) => {
        report('Loading settings', error);
        if (active) setLoad({ state: 'ready', values: {} });
      },
    );
    return () => void (active = false);
  }, [plant, report]);
  return load;
}

export function SettingsProvider({ plant, initial, children }: { readonly plant: PlantApi; readonly initial: Record<string, JsonValue>; readonly children: ReactNode }) {
  const report = useReportError();
  const [values, setValues] = useState<Record<string, JsonValue>>(initial);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, []);

  const set = useCallback(
    (key: string, value: JsonValue) => {
      setValues((current) => ({ ...current, [key]: value }));
      const api = settingsApiOf(plant);
      if (!api) return;
      clearTimeout(timers.current.get(key));
      timers.current.set(
        key,
        setTimeout(() => {
          timers.current.delete(key);
          api.set(key, value).catch((error: unknown) => report(`Saving the setting "${key}"`, error));
        }, SAVE_DELAY_MS),
      );
    },
    [plant, report],
  );

  const context = useMemo(() => ({ values, set }), [values, set]);
  return <SettingsContext.Provider value={context}>{children}</SettingsContext.Provider>;
}

/** A setting as state: its stored value when it passes `accept`, else the fallback. */
export function useSetting<T extends JsonValue>(key: string, fallback: T, accept: (value: JsonValue) => value is T): [T, (value: T) => void] {
  const { values, set } = useContext(SettingsContext);
  // The first fallback is kept: a literal ({} or []) is a new object on every render, and
  // consumers that compare by identity (effects, memos, forms keeping a draft) would see a
  // change each time.
  const [firstFallback] = useState(fallback);
  const stored = values[key];
  const value = stored !== undefined && accept(stored) ? stored : firstFallback;
  const setValue = useCallback((next: T) => set(key, next), [key, set]);
  return [value, setValue];
}

export const isString = (value: JsonValue): value is string => typeof value === 'string';
export const isObject = (value: JsonValue): value is { [key: string]: JsonValue } => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isArray = (value: JsonValue): value is JsonValue[] => Array.isArray(value);
