/**
 * The renderer never receives a saved password, so a settings form that leaves it unchanged
 * sends none and asks to keep it: it is then taken from the saved settings, and only for the
 * same user name (a password is never carried over to another user).
 */
import type { JsonValue } from '../../shared/events/event';

export function withSavedPassword(given: Record<string, unknown>, keepPassword: boolean | undefined, saved: JsonValue | undefined): Record<string, unknown> {
  if (!keepPassword || given.password !== undefined) return given;
  if (!saved || typeof saved !== 'object' || Array.isArray(saved) || saved.password === undefined) return given;
  return saved.username === given.username ? { ...given, password: saved.password } : given;
}
