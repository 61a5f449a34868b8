/** The console's light and dark themes; 'system' follows the operating system. */
import { createTheme, type Theme } from '@mui/material';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEME_CHOICES as readonly string[]).includes(value);
}

export function resolveMode(choice: ThemeChoice, systemPrefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (systemPrefersDark ? 'dark' : 'light') : choice;
}

export function createConsoleTheme(mode: 'light' | 'dark'): Theme {
  return createTheme({
    // Colours chosen so that text on them, and they as text, meet WCAG AA (4.5:1).
    palette:
      mode === 'dark'
        ? {
            mode, contrastThreshold: 4.5, primary: { main: '#90caf9' }, error: { main: '#f28b82' }, warning: { main: '#ffb74d' }, info: { main: '#81d4fa' },
            success: { main: '#81c784' }, background: { default: '#101418', paper: '#161c22' },
          }
        : { mode, contrastThreshold: 4.5, primary: { main: '#1f4e79' }, error: { main: '#c62828' }, warning: { main: '#9a4a00' }, info: { main: '#01579b' }, success: { main: '#1b5e20' } },
    typography: { fontSize: 13 },
    components: { MuiButton: { defaultProps: { size: 'small' } }, MuiTextField: { defaultProps: { size: 'small' } } },
  });
}

/** The next choice when the operator presses the theme button. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length] as ThemeChoice;
}
