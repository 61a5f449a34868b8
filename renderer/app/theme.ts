/** The console's light and dark themes; 'system' follows the operating system. */
import { createTheme, type Theme } from '@mui/material';
import { BASE_COLOURS, PRIORITY_COLOURS } from '../common/palette';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEME_CHOICES as readonly string[]).includes(value);
}

export function resolveMode(choice: ThemeChoice, systemPrefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (systemPrefersDark ? 'dark' : 'light') : choice;
}

/**
 * ISA-101 look: grey surfaces and a grey app bar, a muted blue-grey for controls, so that the
 * only strong colours on screen are alarm priorities (renderer/common/palette) and abnormal
 * states. Text colours are chosen to meet WCAG AA (4.5:1) on both greys.
 */
export function createConsoleTheme(mode: 'light' | 'dark'): Theme {
  const base = BASE_COLOURS[mode];
  const dark = mode === 'dark';
  return createTheme({
    palette: {
      mode,
      contrastThreshold: 4.5,
      primary: { main: base.primary },
      secondary: { main: dark ? '#cfd8dc' : '#546e7a' },
      // The critical red, a shade darker in light mode so that red text (Delete buttons, errors) reads at 4.5:1 on the grey.
      error: dark ? { main: PRIORITY_COLOURS.dark.CRITICAL.main, contrastText: PRIORITY_COLOURS.dark.CRITICAL.contrastText } : { main: '#b71c1c', contrastText: '#ffffff' },
      warning: { main: base.abnormal },
      info: { main: dark ? '#b0bec5' : '#455a64' },
      success: { main: dark ? '#a5d6a7' : '#2e5e32' },
      background: { default: base.background, paper: base.paper },
      text: { primary: base.text, secondary: base.secondary },
      divider: dark ? '#3d444b' : '#c4c4c4',
      // Unselected toggle buttons and icons: MUI's 54 % black is under 4.5:1 on the grey base.
      action: { active: dark ? '#c8c8c8' : '#3a3a3a' },
    },
    typography: { fontSize: 13 },
    components: {
      MuiButton: { defaultProps: { size: 'small' } },
      MuiTextField: { defaultProps: { size: 'small' } },
      MuiAppBar: { styleOverrides: { root: { backgroundColor: base.bar, color: '#ffffff', backgroundImage: 'none' } } },
      MuiPaper: { styleOverrides: { root: { backgroundImage: 'none' } } },
    },
  });
}

/** The next choice when the operator presses the theme button. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length] as ThemeChoice;
}
