/** The first screen: the app bar, the store's state and the live list of events. */
import { AppBar, Box, Container, CssBaseline, Alert, ThemeProvider, Toolbar, Typography, createTheme } from '@mui/material';
import type { PlantApi } from '../../shared/api/plantApi';
import type { WsTransport } from '../bridge/wsBridge';
import { LiveEvents } from '../features/live/LiveEvents';
import { StoreStatus } from '../features/live/StoreStatus';

const theme = createTheme({ palette: { mode: 'light', primary: { main: '#1f4e79' } } });

export interface AppProps {
  readonly plant: PlantApi | null;
  readonly transport: WsTransport | null;
  readonly startError: string | null;
}

export function App({ plant, transport, startError }: AppProps) {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppBar position="static">
        <Toolbar>
          <Typography variant="h6" component="h1" sx={{ flexGrow: 1 }}>
            Plant Event Console
          </Typography>
          {plant && <StoreStatus plant={plant} transport={transport} />}
        </Toolbar>
      </AppBar>
      <Container maxWidth="lg">
        <Box sx={{ my: 3 }}>
          {plant ? (
            <LiveEvents plant={plant} />
          ) : (
            <Alert severity="error" data-testid="start-error">
              {startError ?? 'window.plant is missing: this page must be opened by the desktop app or the browser-mode host.'}
            </Alert>
          )}
        </Box>
      </Container>
    </ThemeProvider>
  );
}
