/**
 * The console: bridge errors shown, settings loaded from main, the theme the operator chose
 * (or the OS's), keyboard shortcuts, and the shell with its views.
 */
import { Alert, Box, CircularProgress, CssBaseline, ThemeProvider, useMediaQuery } from '@mui/material';
import { useMemo } from 'react';
import type { PlantApi } from '../../shared/api/plantApi';
import type { WsTransport } from '../bridge/wsBridge';
import { ErrorsProvider } from '../common/ErrorsProvider';
import { RememberedProvider } from '../common/remembered';
import { PlantProvider } from '../common/usePlant';
import { AlarmsProvider } from '../features/alarms/AlarmsProvider';
import { NavigationProvider } from './navigation';
import { SettingsProvider, useLoadedSettings, useSetting } from './settings';
import { Shell } from './Shell';
import { ShortcutsProvider } from './ShortcutsProvider';
import { createConsoleTheme, isThemeChoice, resolveMode } from './theme';

export interface AppProps {
  readonly plant: PlantApi | null;
  readonly transport: WsTransport | null;
  readonly startError: string | null;
}

function Themed({ transport }: { readonly transport: WsTransport | null }) {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const [choice, setChoice] = useSetting('ui.theme', 'system', isThemeChoice);
  const theme = useMemo(() => createConsoleTheme(resolveMode(choice, prefersDark)), [choice, prefersDark]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <ShortcutsProvider>
        <NavigationProvider>
          <AlarmsProvider>
            <RememberedProvider>
              <Shell transport={transport} themeChoice={choice} onThemeChoice={setChoice} mode={theme.palette.mode} />
            </RememberedProvider>
          </AlarmsProvider>
        </NavigationProvider>
      </ShortcutsProvider>
    </ThemeProvider>
  );
}

function WithSettings({ plant, transport }: { readonly plant: PlantApi; readonly transport: WsTransport | null }) {
  const load = useLoadedSettings(plant);
  if (load.state === 'loading') {
    return (
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, p: 4 }} role="status">
        <CircularProgress size={20} aria-label="Loading settings" /> Loading settings…
      </Box>
    );
  }
  return (
    <SettingsProvider plant={plant} initial={load.values}>
      <PlantProvider plant={plant}>
        <Themed transport={transport} />
      </PlantProvider>
    </SettingsProvider>
  );
}

export function App({ plant, transport, startError }: AppProps) {
  return (
    <ErrorsProvider>
      {plant ? (
        <WithSettings plant={plant} transport={transport} />
      ) : (
        <Alert severity="error" data-testid="start-error" sx={{ m: 3 }}>
          {startError ?? 'window.plant is missing: this page must be opened by the desktop app or the browser-mode host.'}
        </Alert>
      )}
    </ErrorsProvider>
  );
}
