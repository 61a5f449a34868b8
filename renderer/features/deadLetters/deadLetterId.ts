/** A dead letter's name in the API: `<eventId>/<subscriber>`. */
import type { DeadLetter } from '../../../shared/store/eventStore';

export function deadLetterId(letter: DeadLetter): string {
  return `${letter.event.id}/${letter.delivery.subscriber}`;
}

/** What a redrive of `ids` would do now, from a fresh list: the letters still there, and their subscribers. */
export function redrivePlan(ids: readonly string[], current: readonly DeadLetter[]): { readonly count: number; readonly subscribers: string[]; readonly gone: number } {
  const wanted = new Set(ids);
  const still = current.filter((l) => wanted.has(deadLetterId(l)));
  return { count: still.length, subscribers: [...new Set(still.map((l) => l.delivery.subscriber))].sort(), gone: wanted.size - still.length };
}
