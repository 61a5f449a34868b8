/**
 * The console's colours in one place, after ISA-101's high-performance HMI: a calm grey base,
 * and colour kept for what is abnormal (equipment down) and for alarm priorities, the same
 * priority colours on every view. Each colour comes with the text colour that reads on it at
 * 4.5:1 or better (WCAG AA), so a chip or badge in a priority colour is always legible.
 */
import type { Priority } from '../../shared/events/event';

export type Mode = 'light' | 'dark';

export interface Swatch {
  readonly main: string;
  readonly contrastText: string;
}

/** Alarm priorities: red, orange, yellow, cyan from the highest to the lowest, in both themes. */
export const PRIORITY_COLOURS: Readonly<Record<Mode, Readonly<Record<Priority, Swatch>>>> = {
  light: {
    CRITICAL: { main: '#c62828', contrastText: '#ffffff' },
    HIGH: { main: '#ef6c00', contrastText: '#000000' },
    NORMAL: { main: '#fdd835', contrastText: '#000000' },
    LOW: { main: '#4dd0e1', contrastText: '#000000' },
  },
  dark: {
    CRITICAL: { main: '#ef5350', contrastText: '#000000' },
    HIGH: { main: '#ff9800', contrastText: '#000000' },
    NORMAL: { main: '#ffee58', contrastText: '#000000' },
    LOW: { main: '#80deea', contrastText: '#000000' },
  },
};

/** The greys of the base and the one colour for an abnormal, non-alarm state. */
export const BASE_COLOURS: Readonly<Record<Mode, { readonly background: string; readonly paper: string; readonly bar: string; readonly text: string; readonly secondary: string; readonly primary: string; readonly abnormal: string }>> = {
  light: { background: '#e4e4e4', paper: '#f2f2f2', bar: '#455a64', text: '#1a1a1a', secondary: '#434343', primary: '#37474f', abnormal: '#8a4b00' },
  dark: { background: '#1e2124', paper: '#272b30', bar: '#30363c', text: '#e6e6e6', secondary: '#b8b8b8', primary: '#b0bec5', abnormal: '#ffb74d' },
};

export function priorityColour(priority: Priority, mode: Mode): Swatch {
  return PRIORITY_COLOURS[mode][priority];
}

/** How an equipment status looks: only `down` is abnormal and coloured; the rest are grey and told apart by their word. */
export type StatusTone = 'normal' | 'quiet' | 'abnormal';

export function statusTone(status: string): StatusTone {
  if (status === 'down') return 'abnormal';
  return status === 'running' ? 'normal' : 'quiet';
}
